"""audit actor name: who ran an import when nobody of the roster did

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 15:00:00

`cdht import-answers` and `cdht import-roster` are run on a server by an operating-system user, not by a person
of the roster: their audit entries name that user and host («admin@may-chu») in `actor_name`; entries written
before have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_name", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("actor_name")
