"""invite trail: who made each invite code

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 08:00:00

`invite_codes.issuer_id` is the person who made the code in chat (`/moi`); NULL for a code made from the
command line (`cdht invite`) and for every code made before this revision (nobody recorded the issuer then).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invite_codes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("issuer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_invite_codes_issuer_id_people"), "people", ["issuer_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("invite_codes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_invite_codes_issuer_id_people"), type_="foreignkey")
        batch_op.drop_column("issuer_id")
