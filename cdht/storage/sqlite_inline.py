"""SQLite for asyncio without a thread hop, nor a greenlet switch, per call.

aiosqlite runs every call on its own thread and wakes the event loop for each result, and SQLAlchemy's
asyncio adapter switches greenlets for each of the three or four awaits a statement makes (cursor, execute,
fetch, close). On these machines that cost several times the query itself (a primary-key read of a local
file in WAL mode takes about 10 µs). `InlineDBAPI` is the DBAPI module SQLAlchemy's aiosqlite dialect is
given instead (`create_async_engine(..., module=InlineDBAPI())`): its connections call `sqlite3` directly on
the event loop's thread, from inside the greenlet SQLAlchemy already runs each operation in, and await only
when they must wait.

Two things a thread used to give for free are kept:
- waiting for a lock never blocks the loop. Writers of this process queue on an asyncio lock (one per
  database file), taken at a transaction's first write and given back when it ends; a database busy because
  of another process is retried with `asyncio.sleep`. Both give up after `BUSY_SECONDS`, as the busy
  timeout did; a stale WAL snapshot (SQLITE_BUSY_SNAPSHOT) is not retried, as before;
- a long run of calls still lets other tasks in: the loop is yielded to once every `YIELD_SECONDS`.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import time
import weakref
from collections.abc import Callable, Generator
from typing import Any, cast

import aiosqlite
import greenlet
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import await_

BUSY_SECONDS = 10.0  # how long a locked database is waited for, as `PRAGMA busy_timeout` did before
YIELD_SECONDS = 0.005  # the longest stretch of database calls before other tasks get a turn
_RETRIED = {5, 261}  # SQLITE_BUSY, SQLITE_BUSY_RECOVERY (extended codes; 517 is a stale snapshot)

_last_yield = time.monotonic()
_awaited_in: weakref.ref[greenlet.greenlet] | None = None


class _Ready:
    """An awaitable that is done at once: a greenlet switch without a trip through the event loop."""

    def __await__(self) -> Generator[None, None, None]:
        return
        yield  # a generator that never suspends


_READY = _Ready()


def _take_turns() -> None:
    """Let other tasks in now and then, and await once in each of SQLAlchemy's greenlets: its
    `AsyncConnection.execute` insists that the driver awaited something (`AwaitRequired`)."""
    global _last_yield, _awaited_in
    now = time.monotonic()
    current = greenlet.getcurrent()
    if now - _last_yield >= YIELD_SECONDS:
        await_(asyncio.sleep(0))
        _last_yield = time.monotonic()
    elif _awaited_in is None or _awaited_in() is not current:
        await_(_READY)
    _awaited_in = weakref.ref(current)


class InlineCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's buffered asyncio cursor, with the `sqlite3` calls made in place."""

    __slots__ = ()
    _awaitable_cursor_close = False  # `close()` calls the sqlite3 cursor's own

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        connection: InlineConnection = self._adapt_connection  # type: ignore[assignment]
        cursor = cast(sqlite3.Cursor, self._cursor)
        try:
            args = (operation,) if parameters is None else (operation, parameters)
            result = connection.run(cursor.execute, args, may_write=_may_write(operation))
            if cursor.description:
                self._rows = collections.deque(cursor.fetchall())
            return result
        except Exception as error:
            connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        connection: InlineConnection = self._adapt_connection  # type: ignore[assignment]
        try:
            return connection.run(self._cursor.executemany, (operation, seq_of_parameters), may_write=True)
        except Exception as error:
            connection._handle_exception(error)


class InlineConnection(AsyncAdapt_aiosqlite_connection):
    """A `sqlite3` connection adapted for SQLAlchemy's asyncio engine, run on the loop's thread."""

    __slots__ = ("_path", "_writing")
    _cursor_cls = InlineCursor
    _ss_cursor_cls = InlineCursor  # type: ignore[assignment]  # everything is buffered, as aiosqlite's was
    _connection: sqlite3.Connection  # type: ignore[assignment]

    def __init__(self, dbapi: Any, connection: sqlite3.Connection, path: str) -> None:
        super().__init__(dbapi, connection)  # type: ignore[arg-type]
        self._path = path
        self._writing: asyncio.Lock | None = None  # this process's writer lock, while held

    @property
    def isolation_level(self) -> str | None:
        return self._connection.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._connection.isolation_level = value  # type: ignore[assignment]

    def create_function(self, *args: Any, **kw: Any) -> None:
        self._connection.create_function(*args, **kw)

    def run(self, call: Callable[..., Any], args: tuple[Any, ...], *, may_write: bool) -> Any:
        """One sqlite3 call: queue for this process's writer lock before a transaction's first write,
        retry while another process holds the database, give the lock back once the transaction is over."""
        _take_turns()
        if may_write and self._writing is None and not self._connection.in_transaction:
            self._take_writer_lock()
        try:
            return self._retrying(call, args)
        finally:
            if self._writing is not None and not self._connection.in_transaction:
                self._give_back_writer_lock()

    def _retrying(self, call: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        waited_since: float | None = None
        delay = 0.001
        while True:
            try:
                return call(*args)
            except sqlite3.OperationalError as error:
                if getattr(error, "sqlite_errorcode", None) not in _RETRIED:
                    raise
                now = time.monotonic()
                waited_since = now if waited_since is None else waited_since
                if now - waited_since >= BUSY_SECONDS:
                    raise
                await_(asyncio.sleep(delay))
                delay = min(delay * 2, 0.05)

    def _take_writer_lock(self) -> None:
        """Writers of this process queue on an asyncio lock, held from a transaction's first write to its
        end: the next one starts the moment the last commits, instead of polling a busy database."""
        lock = _writer_lock(self._path)
        try:
            await_(_acquire(lock, BUSY_SECONDS))
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked (by this process)") from None
        self._writing = lock

    def _give_back_writer_lock(self) -> None:
        if self._writing is not None:
            self._writing.release()
            self._writing = None

    def commit(self) -> None:
        self._end(self._connection.commit)

    def rollback(self) -> None:
        self._end(self._connection.rollback)

    def _end(self, call: Callable[[], None]) -> None:
        try:
            self._retrying(call, ())
        except Exception as error:
            self._handle_exception(error)
        finally:
            if not self._connection.in_transaction:
                self._give_back_writer_lock()

    def close(self) -> None:
        self._give_back_writer_lock()
        self._connection.close()

    async def _terminate_graceful_close(self) -> None:
        self.close()

    def _terminate_force_close(self) -> None:
        self.close()


class InlineDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module for SQLAlchemy's aiosqlite dialect whose connections are `InlineConnection`s."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> InlineConnection:
        kw.pop("async_creator_fn", None)
        kw.update(timeout=0, check_same_thread=False)  # waits are ours (see the module's note)
        return InlineConnection(self, sqlite3.connect(*arg, **kw), str(arg[0]) if arg else "")


async def _acquire(lock: asyncio.Lock, seconds: float) -> None:
    async with asyncio.timeout(seconds):
        await lock.acquire()


_writer_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _writer_lock(path: str) -> asyncio.Lock:
    per_loop = _writer_locks.setdefault(asyncio.get_running_loop(), {})
    return per_loop.setdefault(path, asyncio.Lock())


def _may_write(statement: object) -> bool:
    """A statement that can open a write transaction: anything but a read (and SQLAlchemy's PRAGMAs)."""
    if not isinstance(statement, str):
        return False
    head = statement.lstrip()[:7].upper()
    return not head.startswith(("SELECT", "PRAGMA", "WITH"))
