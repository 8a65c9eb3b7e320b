"""Migrations 0009 and 0010 on SQLite and on the real PostgreSQL server: the dossiers, then the councils, their
members and the opinions come with the upgrade and go with the downgrade, and the upgrade runs again after it."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.storage.conftest import migrate

TABLES = {"councils", "council_members", "opinions"}


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_the_council_tables_come_and_go(empty_engine: AsyncEngine) -> None:
    await migrate(empty_engine, "upgrade", "0009")
    assert not TABLES & await _tables(empty_engine)
    await migrate(empty_engine, "upgrade", "0010")
    assert await _tables(empty_engine) >= TABLES
    await migrate(empty_engine, "downgrade", "0009")
    assert not TABLES & await _tables(empty_engine)
    assert "dossiers" in await _tables(empty_engine)
    await migrate(empty_engine, "upgrade", "head")
    assert await _tables(empty_engine) >= TABLES


async def test_the_dossiers_table_comes_and_goes(empty_engine: AsyncEngine) -> None:
    """Migration 0009 the same way: the dossiers table with the upgrade, gone with the downgrade."""
    await migrate(empty_engine, "upgrade", "0008")
    assert "dossiers" not in await _tables(empty_engine)
    await migrate(empty_engine, "upgrade", "0009")
    assert "dossiers" in await _tables(empty_engine)
    await migrate(empty_engine, "downgrade", "0008")
    assert "dossiers" not in await _tables(empty_engine)
    await migrate(empty_engine, "upgrade", "head")
    assert {"dossiers", *TABLES} <= await _tables(empty_engine)
