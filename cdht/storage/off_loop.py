"""Long reads off the event loop: a thread with its own event loop and its own connections.

With `sqlite_inline` every statement runs on the thread that awaits it, and even on PostgreSQL turning
100,000 rows into records is Python work: a province's scores (about 0.8 s), an export's data or a large
audit log would hold every chat for that long. `ThreadReads.run(work)` runs `work(uow)` in this thread,
with a unit of work of its own (a separate connection, reading what is committed), and hands the result
back; the bot's loop only waits for it. The thread holds the GIL at most a switch interval (5 ms) at a
time while the loop wants it, and sqlite3 and the socket reads release it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from cdht.handlers.ports import UnitOfWork

T = TypeVar("T")


class ThreadReads:
    def __init__(self, make_database: Callable[[], Any]) -> None:
        """`make_database()` builds the thread's `Database`; it is called in the thread, on its loop."""
        self._make_database = make_database
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._database: Any = None
        self._start = threading.Lock()

    async def run(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        loop = self._started()
        future: Future[T] = asyncio.run_coroutine_threadsafe(self._run(work), loop)
        return await asyncio.wrap_future(future)

    async def _run(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        if self._database is None:
            self._database = self._make_database()
        async with self._database.uow() as uow:
            return await work(uow)

    def _started(self) -> asyncio.AbstractEventLoop:
        with self._start:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._serve, args=(loop,), name="cdht-reads", daemon=True
                )
                self._thread.start()
                self._loop = loop
            return self._loop

    @staticmethod
    def _serve(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def close(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if self._database is not None:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._database.dispose(), loop))
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join, 10)
        self._loop = self._thread = self._database = None
