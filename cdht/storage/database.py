"""Engine and session factory for SQLite (default, WAL mode) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as SqlSession

from cdht.storage.batching import BatchingSession
from cdht.storage.sqlite_inline import InlineDBAPI
from cdht.storage.unit_of_work import SqlUnitOfWork


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=0")  # waiting for a lock is done without blocking the loop
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if is_sqlite(url):
        database = make_url(url).database or ":memory:"
        if database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("module", InlineDBAPI())
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[SqlSession]:
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=BatchingSession)


class Database:
    """An engine with its session factory: what the composition root holds."""

    def __init__(self, url: str, *, schema: str | None = None, **kwargs: Any) -> None:
        if schema:
            if is_sqlite(url):
                raise ValueError("CDHT_DATABASE_SCHEMA chỉ dùng với PostgreSQL.")
            connect_args = kwargs.setdefault("connect_args", {})
            connect_args.setdefault("server_settings", {})["search_path"] = schema
        self.url = url
        self.engine = create_engine(url, **kwargs)
        self._sessions = session_factory(self.engine)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions)

    async def upgrade(self) -> None:
        from cdht.storage.migrate import upgrade

        await upgrade(self.engine)

    async def dispose(self) -> None:
        await self.engine.dispose()
