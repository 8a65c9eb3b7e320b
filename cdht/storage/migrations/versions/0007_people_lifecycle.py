"""people lifecycle: a phone is unique among active people only; the accounts of deactivated people

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10 09:00:00

A deactivated person keeps their row (answers and the audit log still name them), so their phone must be free
for whoever takes over: the unique constraint `uq_people_phone` becomes the partial unique index
`uq_people_phone_active` (phone, where active). `ended_identities` keeps the chat accounts whose link ended
when their person was deactivated, so what they write later is answered "your access has ended".

SQLite cannot drop a constraint; the table is rebuilt. `people` is referenced by every other table and the
connection enforces foreign keys inside the migration's transaction, where they cannot be switched off, so
the rebuild defers their checks to the commit and inserts the rows into the new table after the old one is
dropped (which is what settles the deferred checks; a batch rebuild's rename would leave them failing).
The downgrade refuses when two people share a phone.
"""

import re
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIQUE_PHONE = re.compile(r",\s*CONSTRAINT uq_people_phone UNIQUE \(phone\)")
UNIQUE_PHONE_CLAUSE = ", \n\tCONSTRAINT uq_people_phone UNIQUE (phone)\n)"
LAST_PARENTHESIS = re.compile(r"\s*\)\s*$")
ACTIVE = sa.text("active")


def upgrade() -> None:
    op.create_table(
        "ended_identities",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_ended_identities_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ended_identities")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_ended_identities_channel")),
    )
    op.create_index(op.f("ix_ended_identities_person_id"), "ended_identities", ["person_id"])
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_people(lambda create: _replace_once(UNIQUE_PHONE, "", create))
    else:
        op.drop_constraint("uq_people_phone", "people", type_="unique")
    op.create_index(
        "uq_people_phone_active",
        "people",
        ["phone"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade() -> None:
    connection = op.get_bind()
    shared = connection.execute(
        sa.text("SELECT phone FROM people GROUP BY phone HAVING COUNT(*) > 1 ORDER BY phone")
    ).scalars()
    phones = list(shared)
    if phones:
        raise RuntimeError(
            "Không hạ cấp được: các số điện thoại sau thuộc về hơn một người (một người đã bị khoá): "
            + ", ".join(phones)
        )
    op.drop_index("uq_people_phone_active", table_name="people")
    if connection.dialect.name == "sqlite":
        _rebuild_people(lambda create: _replace_once(LAST_PARENTHESIS, UNIQUE_PHONE_CLAUSE, create))
    else:
        op.create_unique_constraint("uq_people_phone", "people", ["phone"])
    op.drop_index(op.f("ix_ended_identities_person_id"), table_name="ended_identities")
    op.drop_table("ended_identities")


def _replace_once(pattern: re.Pattern[str], replacement: str, text: str) -> str:
    changed, count = pattern.subn(replacement, text)
    if count != 1:
        raise RuntimeError(f"unexpected schema of the people table: {text}")
    return changed


def _rebuild_people(new_create: Callable[[str], str]) -> None:
    """Rebuild SQLite's `people` from its own CREATE statement as `new_create` changes it, with its rows,
    its ids and its indexes, while the tables that refer to it keep their rows."""
    connection = op.get_bind()
    create = connection.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'people'")
    ).scalar_one()
    indexes = connection.execute(
        sa.text(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'people' AND sql IS NOT NULL"
        )
    ).scalars()
    index_statements = list(indexes)
    connection.execute(sa.text("CREATE TEMP TABLE people_0007 AS SELECT * FROM people WHERE 0"))
    connection.execute(sa.text("INSERT INTO people_0007 SELECT * FROM people"))  # a write: in the transaction
    connection.execute(sa.text("PRAGMA defer_foreign_keys = ON"))  # until the commit; then off by itself
    connection.execute(sa.text("DROP TABLE people"))
    connection.execute(sa.text(new_create(create)))
    connection.execute(sa.text("INSERT INTO people SELECT * FROM people_0007"))  # settles the deferred checks
    connection.execute(sa.text("DROP TABLE people_0007"))
    for statement in index_statements:
        connection.execute(sa.text(statement))
