"""officer flows: an officer's multi-step action in progress gets its own table

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 08:00:00

The state of a broadcast being composed (a return being explained, a decision being typed...) used to live
in the sessions table under the questionnaire id "__flow__" and year 0, for the person's unit of the day.
It moves to `officer_flows`, one row per person (no row: nothing in progress). The rows the handlers read
(the person's current unit, not completed, a state with a "name") move over; every year-0 "__flow__"
session row is deleted. The downgrade puts the flows back as session rows of the person's current unit.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLOW = "__flow__"
YEARLESS = 0

_people = sa.table("people", sa.column("id", sa.Integer()), sa.column("unit_id", sa.Integer()))
_sessions = sa.table(
    "sessions",
    sa.column("person_id", sa.Integer()),
    sa.column("unit_id", sa.Integer()),
    sa.column("year", sa.Integer()),
    sa.column("questionnaire_id", sa.String()),
    sa.column("state", sa.JSON()),
    sa.column("is_active", sa.Boolean()),
    sa.column("completed", sa.Boolean()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
_flows = sa.table(
    "officer_flows",
    sa.column("person_id", sa.Integer()),
    sa.column("state", sa.JSON()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
_FLOW_SESSIONS = (_sessions.c.year == YEARLESS, _sessions.c.questionnaire_id == FLOW)


def upgrade() -> None:
    op.create_table(
        "officer_flows",
        sa.Column(
            "person_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_officer_flows_person_id_people")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_officer_flows")),
    )
    connection = op.get_bind()
    read = connection.execute(
        sa.select(_sessions.c.person_id, _sessions.c.state, _sessions.c.updated_at)
        .join(
            _people,
            sa.and_(_people.c.id == _sessions.c.person_id, _people.c.unit_id == _sessions.c.unit_id),
        )
        .where(*_FLOW_SESSIONS, _sessions.c.completed.is_(False))
    )
    moved = [
        {"person_id": row.person_id, "state": row.state, "updated_at": row.updated_at}
        for row in read
        if isinstance(row.state, dict) and row.state.get("name")
    ]
    if moved:
        connection.execute(sa.insert(_flows), moved)
    connection.execute(sa.delete(_sessions).where(*_FLOW_SESSIONS))


def downgrade() -> None:
    connection = op.get_bind()
    read = connection.execute(
        sa.select(_flows.c.person_id, _people.c.unit_id, _flows.c.state, _flows.c.updated_at).join(
            _people, _people.c.id == _flows.c.person_id
        )
    )
    restored = [
        {
            "person_id": row.person_id,
            "unit_id": row.unit_id,
            "year": YEARLESS,
            "questionnaire_id": FLOW,
            "state": row.state,
            "is_active": True,
            "completed": False,
            "updated_at": row.updated_at,
        }
        for row in read
    ]
    if restored:
        connection.execute(sa.insert(_sessions), restored)
    op.drop_table("officer_flows")
