"""stored files: the file store in the database, and broadcasts naming their file by its id

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 15:00:00

Several machines share one PostgreSQL but not a folder: with `CDHT_FILE_STORE=database` evidence, dossier
documents and exports live in `stored_files` (one row per content, keyed by its sha256) and
`stored_file_chunks` (its bytes, in chunks, so that no single value grows past what either backend handles
well), and a backup of the database holds them. `export` marks a file only ever stored as an export, which the
retention prune drops after the period (`stored_at`: when it was last stored).

A broadcast's file was a local path (`attachment_path`, whose last part is the evidence file's sha256); it is
now named by `attachment_sha256` and `attachment_name`, filled from the path on the upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stored_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("export", sa.Boolean(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_stored_files")),
    )
    op.create_index("ix_stored_files_export_stored_at", "stored_files", ["export", "stored_at"], unique=False)
    op.create_table(
        "stored_file_chunks",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["stored_files.sha256"],
            name=op.f("fk_stored_file_chunks_sha256_stored_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sha256", "seq", name=op.f("pk_stored_file_chunks")),
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachment_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("attachment_name", sa.String(length=255), nullable=True))
    broadcasts = sa.table(
        "broadcasts",
        sa.column("id", sa.BigInteger()),
        sa.column("attachment_path", sa.String()),
        sa.column("attachment_sha256", sa.String()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(broadcasts.c.id, broadcasts.c.attachment_path).where(
            broadcasts.c.attachment_path.is_not(None)
        )
    ).all()
    for row in rows:
        last = str(row.attachment_path).replace("\\", "/").rsplit("/", 1)[-1]
        if len(last) == 64 and all(ch in "0123456789abcdef" for ch in last):
            connection.execute(
                sa.update(broadcasts).where(broadcasts.c.id == row.id).values(attachment_sha256=last)
            )


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("attachment_name")
        batch_op.drop_column("attachment_sha256")
    op.drop_table("stored_file_chunks")
    op.drop_index("ix_stored_files_export_stored_at", table_name="stored_files")
    op.drop_table("stored_files")
