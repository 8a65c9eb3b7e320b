"""Empty, migrated databases for the scale, crash, fault and fuzz tests: a SQLite file, or the test run's
PostgreSQL schema (from `postgres_schema` in tests/conftest.py) emptied."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from cdht.storage.database import Database
from cdht.storage.tables import Base
from tests.conftest import POSTGRES_URL


def database_kind(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    """For a fixture parametrised with "sqlite" / "postgres": the kind and the PostgreSQL schema (which skips
    outside CI, and fails under CI=true, when no server answers)."""
    if request.param == "postgres":
        return "postgres", request.getfixturevalue("postgres_schema")
    return "sqlite", None


async def empty_tables(database: Database) -> None:
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with database.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


async def open_empty_database(kind: str, folder: Path, schema: str | None = None, **options: Any) -> Database:
    """The caller disposes of it."""
    if kind == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{folder / f'{uuid.uuid4().hex[:8]}.sqlite3'}", **options)
        await database.upgrade()
    else:
        database = Database(POSTGRES_URL, schema=schema, **options)
        await empty_tables(database)
    return database


@asynccontextmanager
async def empty_database(kind: str, folder: Path, schema: str | None = None) -> AsyncIterator[Database]:
    database = await open_empty_database(kind, folder, schema)
    try:
        yield database
    finally:
        await database.dispose()


async def row_counts(database: Database) -> dict[str, int]:
    async with database.engine.connect() as connection:
        return {
            table.name: int(await connection.scalar(text(f'SELECT count(*) FROM "{table.name}"')) or 0)  # noqa: S608 - our own table names
            for table in Base.metadata.sorted_tables
        }
