"""councils: the appraisal council of a body for a year, its members, and their written opinions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:00:00

TT 25/2023 Điều 9.2.b–c: the head of Phòng GD&ĐT sets up a council (at least five members, an odd number: a
chair, a secretary, members) that appraises the communes' dossiers in a meeting or by its members' written
opinions. `councils` holds one council per body and year, `council_members` its members with their roles,
`opinions` each member's opinion (agrees or not, with a comment) on each criterion of a dossier.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "councils",
        sa.Column("id", _ID, nullable=False),
        sa.Column("body_unit_id", _ID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["body_unit_id"], ["units.id"], name=op.f("fk_councils_body_unit_id_units")),
        sa.ForeignKeyConstraint(["created_by"], ["people.id"], name=op.f("fk_councils_created_by_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_councils")),
        sa.UniqueConstraint("body_unit_id", "year", name=op.f("uq_councils_body_unit_id")),
    )
    op.create_table(
        "council_members",
        sa.Column("council_id", _ID, autoincrement=False, nullable=False),
        sa.Column("person_id", _ID, autoincrement=False, nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_council_members_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_council_members_person_id_people")
        ),
        sa.PrimaryKeyConstraint("council_id", "person_id", name=op.f("pk_council_members")),
    )
    op.create_index(op.f("ix_council_members_person_id"), "council_members", ["person_id"], unique=False)
    op.create_table(
        "opinions",
        sa.Column("dossier_id", _ID, autoincrement=False, nullable=False),
        sa.Column("member_person_id", _ID, autoincrement=False, nullable=False),
        sa.Column("criterion", sa.String(length=16), nullable=False),
        sa.Column("agrees", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_opinions_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["member_person_id"], ["people.id"], name=op.f("fk_opinions_member_person_id_people")
        ),
        sa.PrimaryKeyConstraint("dossier_id", "member_person_id", "criterion", name=op.f("pk_opinions")),
    )


def downgrade() -> None:
    op.drop_table("opinions")
    op.drop_index(op.f("ix_council_members_person_id"), table_name="council_members")
    op.drop_table("council_members")
    op.drop_table("councils")
