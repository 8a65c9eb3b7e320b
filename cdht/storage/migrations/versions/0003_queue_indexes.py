"""queue indexes: claiming the next inbox or outbox row walks the queue in id order

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 20:00:00

`claim_next` takes the oldest pending row whose person (inbox) or chat (outbox) has no older pending row.
With only ix_outbox_pending (channel, status, not_before, id) the planner sorted every pending row and ran
the "no older pending row" check for each with a scan of the whole queue: on SQLite a claim took 2 s with
5,000 queued messages (a broadcast), stalling every reply behind it. (channel, status, id) lets the claim
walk the queue in order and stop at the first eligible row; (channel, chat_id, status, id) and
(status, user_key, id) answer the per-chat and per-person check with one index lookup.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending")
        batch_op.create_index("ix_outbox_queue", ["channel", "status", "id"], unique=False)
        batch_op.create_index("ix_outbox_chat", ["channel", "chat_id", "status", "id"], unique=False)
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_queue", ["channel", "status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_queue")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_chat")
        batch_op.drop_index("ix_outbox_queue")
        batch_op.create_index("ix_outbox_pending", ["channel", "status", "not_before", "id"], unique=False)
