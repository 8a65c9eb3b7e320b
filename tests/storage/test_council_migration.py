"""Migrations 0009 and 0010 on SQLite and on the real PostgreSQL server: the dossiers, then the councils, their
members and the opinions come with the upgrade and go with the downgrade, and the upgrade runs again after it."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.storage.database import create_engine
from cdht.storage.migrate import alembic_config
from tests.conftest import POSTGRES_URL, _postgres_answers, postgres_engine

TABLES = {"councils", "council_members", "opinions"}


def _migrate(connection: Any, action: str, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    getattr(command, action)(config, revision)


async def _migrate_to(engine: AsyncEngine, action: str, revision: str) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_migrate, action, revision)


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


@pytest.fixture(params=["sqlite", "postgres"])
async def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    if request.param == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'migrating.sqlite3'}")
        yield engine
        await engine.dispose()
        return
    if not _postgres_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but PostgreSQL at 127.0.0.1:5432 does not answer")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 does not answer")
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


async def test_the_council_tables_come_and_go(empty_engine: AsyncEngine) -> None:
    await _migrate_to(empty_engine, "upgrade", "0009")
    assert not TABLES & await _tables(empty_engine)
    await _migrate_to(empty_engine, "upgrade", "0010")
    assert await _tables(empty_engine) >= TABLES
    await _migrate_to(empty_engine, "downgrade", "0009")
    assert not TABLES & await _tables(empty_engine)
    assert "dossiers" in await _tables(empty_engine)
    await _migrate_to(empty_engine, "upgrade", "head")
    assert await _tables(empty_engine) >= TABLES


async def test_the_dossiers_table_comes_and_goes(empty_engine: AsyncEngine) -> None:
    """Migration 0009 the same way: the dossiers table with the upgrade, gone with the downgrade."""
    await _migrate_to(empty_engine, "upgrade", "0008")
    assert "dossiers" not in await _tables(empty_engine)
    await _migrate_to(empty_engine, "upgrade", "0009")
    assert "dossiers" in await _tables(empty_engine)
    await _migrate_to(empty_engine, "downgrade", "0008")
    assert "dossiers" not in await _tables(empty_engine)
    await _migrate_to(empty_engine, "upgrade", "head")
    assert {"dossiers", *TABLES} <= await _tables(empty_engine)
