"""inbox retention: a handled update's raw payload, and an old sent message's content, may be dropped

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 08:00:00

Personal data is kept only as long as it is needed (Nghị định 13/2023/NĐ-CP). The raw update of a handled
inbox event (a shared contact holds a phone number and names) and the content of an outbox message no
longer waiting are set to NULL after the retention period, or at once for a contact; the rows stay, so the
unique (channel, external_id) still turns a redelivered update away and the outbox keeps its dedupe and
edit keys. The partial indexes hold only the rows whose payload is still kept, so the daily prune finds
the old ones without walking the whole table. The downgrade gives the emptied rows an empty JSON object.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEPT = "payload IS NOT NULL"
INDEXES = (
    ("inbox", "ix_inbox_payload_kept", "processed_at"),
    ("outbox", "ix_outbox_payload_kept", "created_at"),
)


def upgrade() -> None:
    for table, index, column in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("payload", existing_type=sa.JSON(), nullable=True)
        op.create_index(
            index,
            table,
            [column],
            unique=False,
            sqlite_where=sa.text(KEPT),
            postgresql_where=sa.text(KEPT),
        )


def downgrade() -> None:
    for table, index, _ in INDEXES:
        op.drop_index(index, table_name=table)
        emptied = sa.table(table, sa.column("payload", sa.JSON()))
        op.execute(sa.update(emptied).where(emptied.c.payload.is_(None)).values(payload={}))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("payload", existing_type=sa.JSON(), nullable=False)
