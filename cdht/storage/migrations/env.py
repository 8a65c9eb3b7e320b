"""Alembic environment: always driven with a live connection handed in by `cdht.storage.migrate`."""

from alembic import context

from cdht.storage.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("Run migrations with `cdht db upgrade`, which hands Alembic a connection.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
