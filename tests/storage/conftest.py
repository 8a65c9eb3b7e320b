"""The repository contract's backends: SQLite, the real PostgreSQL server, and the in-memory fake."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from cdht.handlers.ports import UnitOfWork
from cdht.storage.database import create_engine, session_factory
from cdht.storage.migrate import upgrade
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import _truncate_postgres, postgres_engine
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
