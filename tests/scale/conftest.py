from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import structlog

from cdht.logs import configure_logging
from cdht.storage.database import Database
from tests.conftest import POSTGRES_URL
from tests.scale.databases import empty_tables


@pytest.fixture
async def pg_database(postgres_schema: str) -> AsyncIterator[Database]:
    """The run's PostgreSQL schema, emptied; worker processes reach it with CDHT_DATABASE_SCHEMA."""
    database = Database(POSTGRES_URL, schema=postgres_schema)
    await empty_tables(database)
    yield database
    await database.dispose()


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    """The SQLite file `cdht run` uses with CDHT_DATA_DIR=<tmp>/data."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'cdht.sqlite3'}")
    await database.upgrade()
    yield database
    await database.dispose()


@pytest.fixture(autouse=True)
def logging_as_the_bot_does() -> Iterator[None]:
    """The in-process bots here are wired without `open_app`, which configures logging."""
    configure_logging()
    yield
    structlog.reset_defaults()
