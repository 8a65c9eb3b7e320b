"""Migration 0012 on SQLite and on the real PostgreSQL server: the audit log's `actor_name` (who ran an import
on the command line) comes with the upgrade, keeps the entries written before, and goes with the downgrade."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.storage.conftest import migrate


async def _columns(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns("audit_log")}
        )


async def test_the_actor_name_comes_and_goes_and_old_entries_stay(empty_engine: AsyncEngine) -> None:
    await migrate(empty_engine, "upgrade", "0011")
    assert "actor_name" not in await _columns(empty_engine)
    async with empty_engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO audit_log (action, reason, created_at) VALUES ('answer', 'cũ', :now)"),
            {"now": datetime(2025, 11, 1, tzinfo=UTC)},
        )
    await migrate(empty_engine, "upgrade", "0012")
    assert "actor_name" in await _columns(empty_engine)
    async with empty_engine.begin() as connection:
        rows = (await connection.execute(text("SELECT action, reason, actor_name FROM audit_log"))).all()
    assert [tuple(row) for row in rows] == [("answer", "cũ", None)]
    await migrate(empty_engine, "downgrade", "0011")
    assert "actor_name" not in await _columns(empty_engine)
    await migrate(empty_engine, "upgrade", "head")
    assert "actor_name" in await _columns(empty_engine)
