"""Wake-ups for idle loops: a `Nudge` wakes one polling loop early (a stored update wakes the inbox loop), a
`Relay` wakes idle sender workers one at a time."""

from __future__ import annotations

import asyncio
import collections


def _settle(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class Relay:
    """Wakes idle workers one at a time. Each worker that finds work wakes the next, so a burst of rows
    brings in as many workers as it needs, and a single new row costs one look, not one per worker."""

    def __init__(self) -> None:
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._woken_early = False

    def wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._woken_early = True  # nobody is waiting: the next worker to wait looks at once instead

    def wake_all(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)

    async def wait(self, seconds: float) -> None:
        if self._woken_early:
            self._woken_early = False
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        timer = loop.call_later(seconds, _settle, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            if waiter in self._waiters:
                self._waiters.remove(waiter)


class Nudge:
    """Wakes an idle polling loop early: producers `set()` it, the loop waits for it, `stop`, or a timeout."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    async def wait(self, stop: asyncio.Event, *, seconds: float) -> None:
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._event.wait())]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        self._event.clear()
