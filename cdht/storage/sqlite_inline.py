"""SQLite for asyncio without a thread hop per call.

aiosqlite runs every call on its own thread and wakes the event loop for each result; SQLAlchemy makes four
such calls per statement (cursor, execute, fetch, close). On these machines a hop costs far more than the
query itself (about 150 µs against 10 µs for a primary-key read of a local file in WAL mode), so an answer's
thirty-odd calls spent most of their time switching threads. `InlineConnection` keeps aiosqlite's interface,
which SQLAlchemy's aiosqlite dialect drives, and runs each call on the event loop's own thread.

Two things a thread used to give for free are kept:
- waiting for a lock never blocks the loop. Writers of this process queue on an asyncio lock (one per
  database file), taken at a transaction's first write and given back when it ends; a database busy because
  of another process is retried with `asyncio.sleep`. Both give up after `BUSY_SECONDS`, as the busy
  timeout did; a stale WAL snapshot (SQLITE_BUSY_SNAPSHOT) is not retried, as before;
- a long run of calls still lets other tasks in: the loop is yielded to once every `YIELD_SECONDS`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from collections.abc import Callable
from typing import Any

import aiosqlite

BUSY_SECONDS = 10.0  # how long a locked database is waited for, as `PRAGMA busy_timeout` did before
YIELD_SECONDS = 0.005  # the longest stretch of database calls before other tasks get a turn
_RETRIED = {5, 261}  # SQLITE_BUSY, SQLITE_BUSY_RECOVERY (extended codes; 517 is a stale snapshot)

_last_yield = time.monotonic()


async def _take_turns() -> None:
    global _last_yield
    now = time.monotonic()
    if now - _last_yield >= YIELD_SECONDS:
        await asyncio.sleep(0)
        _last_yield = time.monotonic()


class _InlineQueue:
    """SQLAlchemy sets a connection's isolation level by queueing a call for aiosqlite's thread."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except Exception as error:
            if future is not None and not future.done():
                future.set_exception(error)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run on the caller's thread (see the module's note)."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], path: str) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _InlineQueue()  # type: ignore[assignment]
        self._path = path
        self._writing: asyncio.Lock | None = (
            None  # this process's writer lock, while this connection holds it
        )

    def __await__(self) -> Any:
        return self._connect().__await__()

    async def _connect(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        await _take_turns()
        if self._writing is None and not self._connection.in_transaction and _may_write(args):
            await self._take_writer_lock()
        try:
            return await self._run(fn, *args, **kwargs)
        finally:
            if self._writing is not None and not (self._connection and self._connection.in_transaction):
                self._give_back_writer_lock()

    async def _run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Another process may hold the database: retry while it is busy, without blocking the loop."""
        waited_since: float | None = None
        delay = 0.001
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as error:
                if getattr(error, "sqlite_errorcode", None) not in _RETRIED:
                    raise
                now = time.monotonic()
                waited_since = now if waited_since is None else waited_since
                if now - waited_since >= BUSY_SECONDS:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.05)

    async def _take_writer_lock(self) -> None:
        """Writers of this process queue on an asyncio lock, held from a transaction's first write to its
        end: the next one starts the moment the last commits, instead of polling a busy database."""
        lock = _writer_lock(self._path)
        try:
            await asyncio.wait_for(lock.acquire(), BUSY_SECONDS)
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked (by this process)") from None
        self._writing = lock

    def _give_back_writer_lock(self) -> None:
        if self._writing is not None:
            self._writing.release()
            self._writing = None

    def stop(self) -> None:
        self._running = False
        self._give_back_writer_lock()
        if self._connection is not None:
            self._connection.close()
            self._connection = None


_writer_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _writer_lock(path: str) -> asyncio.Lock:
    per_loop = _writer_locks.setdefault(asyncio.get_running_loop(), {})
    return per_loop.setdefault(path, asyncio.Lock())


def _may_write(args: tuple[Any, ...]) -> bool:
    """A statement that can open a write transaction: anything but a read (and SQLAlchemy's PRAGMAs)."""
    if not args or not isinstance(args[0], str):
        return False
    head = args[0].lstrip()[:7].upper()
    return not head.startswith(("SELECT", "PRAGMA", "WITH"))


def inline_connector(path: str) -> Callable[[], InlineConnection]:
    """An `async_creator` for SQLAlchemy's aiosqlite dialect."""

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(path, timeout=0, check_same_thread=False)

    return lambda: InlineConnection(connect, path)
