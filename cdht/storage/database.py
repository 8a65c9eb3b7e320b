"""Engine and session factory for SQLite (default, WAL mode) and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as SqlSession

from cdht.handlers.ports import StorageAbilities
from cdht.storage.batch_unit_of_work import SqlBatchUnitOfWork
from cdht.storage.batching import BatchingSession
from cdht.storage.checkpoints import Checkpoints
from cdht.storage.sqlite_inline import InlineDBAPI
from cdht.storage.text_guard import guard_text
from cdht.storage.unit_of_work import SqlUnitOfWork

log = structlog.get_logger(__name__)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=0")  # waiting for a lock is done without blocking the loop
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _no_automatic_checkpoints(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint=0")  # `Checkpoints` does them, off the event loop
    cursor.close()


def create_engine(url: str, *, inline: bool = True, **kwargs: Any) -> AsyncEngine:
    """An engine; on SQLite `inline` runs sqlite3 in place on the awaiting thread (`sqlite_inline`),
    otherwise in aiosqlite's own thread per connection. Text parameters are cleaned (`text_guard`)."""
    if is_sqlite(url):
        database = make_url(url).database or ":memory:"
        if database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        if inline:
            kwargs.setdefault("module", InlineDBAPI())
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        guard_text(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_async_engine(url, **kwargs)
    guard_text(engine)
    return engine


def log_slow_statements(engine: AsyncEngine, milliseconds: float) -> None:
    """Log every statement that takes longer than `milliseconds` (with SQLite in place, that long the event
    loop was held)."""

    def started(conn: Any, _cursor: Any, _statement: str, *_: Any) -> None:
        conn.info.setdefault("cdht_started", []).append(time.perf_counter())

    def finished(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        elapsed = (time.perf_counter() - conn.info["cdht_started"].pop()) * 1000
        if elapsed > milliseconds:
            log.warning("slow statement", ms=round(elapsed, 1), statement=" ".join(statement.split())[:300])

    event.listen(engine.sync_engine, "before_cursor_execute", started)
    event.listen(engine.sync_engine, "after_cursor_execute", finished)


def session_factory(engine: AsyncEngine, *, batching: bool = False) -> async_sessionmaker[SqlSession]:
    """Plain sessions; `batching`: the inbox batch's, which keep writes for later and remember reads made
    ahead (`BatchingSession`)."""
    if batching:
        return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=BatchingSession)
    return async_sessionmaker(engine, expire_on_commit=False)


class Database:
    """An engine with its session factory: what the composition root holds."""

    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        inline: bool = True,
        slow_ms: float | None = 100.0,
        **kwargs: Any,
    ) -> None:
        if schema:
            if is_sqlite(url):
                raise ValueError("CDHT_DATABASE_SCHEMA chỉ dùng với PostgreSQL.")
            connect_args = kwargs.setdefault("connect_args", {})
            connect_args.setdefault("server_settings", {})["search_path"] = schema
        self.url = url
        self._checkpoints: Checkpoints | None = None
        self.engine = create_engine(url, inline=inline, **kwargs)
        if slow_ms is not None:
            log_slow_statements(self.engine, slow_ms)
        self._sessions = session_factory(self.engine)
        self._batch_sessions = session_factory(self.engine, batching=True)
        sqlite = is_sqlite(url)
        # SQLite has no row locks: one process, whose sender keeps the chats of a batch apart by itself.
        self.abilities = StorageAbilities(row_locks=not sqlite, batch_sends=sqlite)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions)

    def batch_uow(self) -> SqlBatchUnitOfWork:
        """The inbox batch's unit of work (`SqlBatchUnitOfWork`)."""
        return SqlBatchUnitOfWork(self._batch_sessions)

    async def checkpoint_off_the_loop(self) -> None:
        """For a long-running process on a SQLite file: WAL checkpoints in their own thread (`Checkpoints`)
        instead of inside whichever commit passes the threshold, on the event loop."""
        path = make_url(self.url).database
        if not is_sqlite(self.url) or not path or path == ":memory:" or self._checkpoints is not None:
            return
        event.listen(self.engine.sync_engine, "connect", _no_automatic_checkpoints)
        await self.engine.dispose()  # connections opened so far checkpoint by themselves
        self._checkpoints = Checkpoints(path)
        self._checkpoints.start()

    async def upgrade(self) -> None:
        from cdht.storage.migrate import upgrade

        await upgrade(self.engine)

    async def dispose(self) -> None:
        if self._checkpoints is not None:
            await asyncio.to_thread(self._checkpoints.stop)
            self._checkpoints = None
        await self.engine.dispose()
