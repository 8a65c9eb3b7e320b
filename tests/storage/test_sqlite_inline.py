"""The SQLite connection that runs on the event loop's thread: a locked database is waited for without
blocking the loop, a lock held too long fails as before, and a long run of statements lets other tasks in."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import greenlet
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from cdht.storage import sqlite_inline
from cdht.storage.database import create_engine


async def _ticks_while(work: asyncio.Future[object] | asyncio.Task[object]) -> int:
    ticks = 0
    while not work.done():
        await asyncio.sleep(0.01)
        ticks += 1
    return ticks


async def test_a_locked_database_is_waited_for_without_blocking_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (n INTEGER)"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    holder.execute("INSERT INTO t VALUES (1)")

    async def write() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (2)"))

    async def release_later() -> None:
        await asyncio.sleep(0.3)
        holder.execute("COMMIT")

    writing = asyncio.ensure_future(write())
    releasing = asyncio.ensure_future(release_later())
    ticks = await _ticks_while(writing)
    await writing
    await releasing
    assert ticks >= 10  # the loop kept running while the writer waited (about 30 ticks of 10 ms)
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT n FROM t ORDER BY n"))).scalars().all() == [1, 2]
    holder.close()
    await engine.dispose()


async def test_a_lock_held_too_long_fails_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_inline, "BUSY_SECONDS", 0.2)
    path = tmp_path / "stuck.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (n INTEGER)"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(OperationalError, match="locked"):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (2)"))
    holder.execute("ROLLBACK")
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 0
    holder.close()
    await engine.dispose()


async def test_a_long_run_of_statements_lets_other_tasks_in(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'long.sqlite3'}")

    async def many() -> None:
        async with engine.connect() as connection:
            for _ in range(3000):
                await connection.execute(text("SELECT 1"))

    work = asyncio.ensure_future(many())
    ticks = 0
    while not work.done():
        await asyncio.sleep(0)
        ticks += 1
    await work
    assert ticks > 10  # without turns the loop would come back only when all 3000 were done
    await engine.dispose()


async def test_statements_run_on_the_loop_thread_with_one_await_each(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'thread.sqlite3'}")
    switches = 0

    def count(event: str, _args: object) -> None:
        nonlocal switches
        switches += event == "switch"

    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        raw.driver_connection.create_function("thread_id", 0, threading.get_ident)  # type: ignore[union-attr]
        await connection.execute(text("SELECT 1"))
        previous = greenlet.settrace(count)
        try:
            for _ in range(20):
                await connection.execute(text("SELECT 1"))
        finally:
            greenlet.settrace(previous)
        assert (await connection.execute(text("SELECT thread_id()"))).scalar() == threading.get_ident()
    # into SQLAlchemy's greenlet, one await out and back (AsyncConnection requires one), and out: the
    # adapter over aiosqlite made three awaits per statement (cursor, execute, close)
    assert switches <= 20 * 4
    await engine.dispose()


async def test_writers_of_one_process_queue_and_the_next_starts_when_the_last_commits(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'queue.sqlite3'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (n INTEGER)"))
    loop = asyncio.get_running_loop()
    committed: dict[str, float] = {}

    async def slow_writer() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (1)"))
            await asyncio.sleep(0.3)  # holds the write transaction while other tasks run
        committed["slow"] = loop.time()

    async def second_writer() -> None:
        await asyncio.sleep(0.05)
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (2)"))
        committed["second"] = loop.time()

    await asyncio.gather(slow_writer(), second_writer())
    assert 0 <= committed["second"] - committed["slow"] < 0.05  # woken at the commit, not by polling
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT n FROM t ORDER BY rowid"))).scalars().all() == [1, 2]
    await engine.dispose()


async def test_a_task_waiting_on_its_own_open_write_gives_up_instead_of_hanging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_inline, "BUSY_SECONDS", 0.2)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'self.sqlite3'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (n INTEGER)"))
    async with engine.connect() as first:
        await first.execute(text("INSERT INTO t VALUES (1)"))  # an open write transaction
        with pytest.raises(OperationalError, match="locked"):
            async with engine.begin() as second:
                await second.execute(text("INSERT INTO t VALUES (2)"))
        await first.commit()
    async with engine.begin() as connection:  # the lock was given back: writing works again
        await connection.execute(text("INSERT INTO t VALUES (3)"))
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT n FROM t ORDER BY n"))).scalars().all() == [1, 3]
    await engine.dispose()
