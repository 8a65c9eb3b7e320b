"""dossiers: the dossier a unit sends up under TT 25/2023 (Điều 9, 14, 19), frozen as sent

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-12 08:00:00

One row per sending: the self-assessment meeting, the scores and evidence list as sent (snapshot JSON), the
rendered documents (file store paths and hashes), their content hash, and the stage the receiving office
and its council have reached. A returned dossier corrected and sent again is a new row; the old one stays
as history. The downgrade drops the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dossiers",
        sa.Column("id", _ID, nullable=False),
        sa.Column("unit_id", _ID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("receiver_unit_id", _ID, nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("meeting", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("sent_by", _ID, nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("outcome_documents", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_dossiers_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["receiver_unit_id"], ["units.id"], name=op.f("fk_dossiers_receiver_unit_id_units")
        ),
        sa.ForeignKeyConstraint(["sent_by"], ["people.id"], name=op.f("fk_dossiers_sent_by_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
    )
    op.create_index("ix_dossiers_unit_year", "dossiers", ["unit_id", "year", "id"], unique=False)
    op.create_index("ix_dossiers_receiver_year", "dossiers", ["receiver_unit_id", "year", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dossiers_receiver_year", table_name="dossiers")
    op.drop_index("ix_dossiers_unit_year", table_name="dossiers")
    op.drop_table("dossiers")
