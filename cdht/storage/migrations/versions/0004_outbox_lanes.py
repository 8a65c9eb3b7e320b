"""outbox lanes: replies first, then notices, then bulk; a broadcast's fan-out cursor

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 08:00:00

The claim walks the queue in (lane, id) order, so the queue index leads with the lane after the status.
Rows already queued by a broadcast are bulk; every other queued row stays a reply (lane 0), as it was
served before. `broadcasts.queued_through` is the last recipient (person id) whose messages are queued, so
a fan-out interrupted by a restart goes on from there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lane", sa.SmallInteger(), nullable=False, server_default="0"))
        batch_op.drop_index("ix_outbox_queue")
        batch_op.create_index("ix_outbox_queue", ["channel", "status", "lane", "id"], unique=False)
    op.execute("UPDATE outbox SET lane = 2 WHERE broadcast_id IS NOT NULL")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("queued_through", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("queued_through")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_queue")
        batch_op.create_index("ix_outbox_queue", ["channel", "status", "id"], unique=False)
        batch_op.drop_column("lane")
