"""The repository contract's backends (SQLite, the real PostgreSQL server, the in-memory fake), and an empty
database for the migration tests on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.handlers.ports import UnitOfWork
from cdht.storage.database import create_engine, session_factory
from cdht.storage.migrate import alembic_config, upgrade
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import POSTGRES_URL, _truncate_postgres, postgres_engine, require_postgres
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork


@pytest.fixture(params=["sqlite", "postgres", "memory"])
async def backend_uow_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Callable[[], UnitOfWork]]:
    """Units of work on each backend in turn, on an empty database. The SQL repositories are the reference
    the in-memory fake must match."""
    if request.param == "memory":
        database = MemoryDatabase()
        yield lambda: MemoryUnitOfWork(database)
        return
    if request.param == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}")
        await upgrade(engine)
    else:
        engine = postgres_engine(request.getfixturevalue("postgres_schema"))
        await _truncate_postgres(engine)
    factory = session_factory(engine)
    yield lambda: SqlUnitOfWork(factory)
    await engine.dispose()


def _migrate(connection: Any, action: str, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    getattr(command, action)(config, revision)


async def migrate(engine: AsyncEngine, action: str, revision: str) -> None:
    """`alembic upgrade|downgrade REVISION` on the engine's database."""
    async with engine.begin() as connection:
        await connection.run_sync(_migrate, action, revision)


@pytest.fixture(params=["sqlite", "postgres"])
async def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a database no migration has touched yet (on PostgreSQL a schema of its own)."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'migrating.sqlite3'}")
        yield engine
        await engine.dispose()
        return
    require_postgres()
    schema = f"cdht_migration_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = postgres_engine(schema)
    try:
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
