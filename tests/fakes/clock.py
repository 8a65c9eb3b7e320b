"""The one clock of the tests, in two kinds with the same face: `FakeClock`, whose time moves only when the test
moves it, and `SystemClock`, the real time (the fake Bot APIs and the bots under test run on it by default).

Each reading the code under test may ask for:
- `clock()` or `clock.now`: the wall clock as an aware UTC datetime (`clock()` is what the app's `clock=`
  parameters call; on a fake clock it first moves time on by `step`, so every message has its own instant);
- `clock.timestamp()`: the same wall clock in seconds since the epoch (`FileLinks`, the platforms' `date`);
- `clock.monotonic()`: seconds for measuring intervals (the rate limiter, `Call.at` of the fake APIs);
- `await clock.sleep(seconds)`: a fake clock notes the wait (`slept`) and moves on at once.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

START = datetime(2025, 11, 20, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội, during the 2025 assessment


class Clock(Protocol):
    @property
    def now(self) -> datetime: ...
    def __call__(self) -> datetime: ...
    def timestamp(self) -> float: ...
    def monotonic(self) -> float: ...
    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    @property
    def now(self) -> datetime:
        return datetime.now(UTC)

    def __call__(self) -> datetime:
        return datetime.now(UTC)

    def timestamp(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


class FakeClock:
    """Time that stands still until the test moves it: `advance`, an assignment to `now`, `sleep`, or `step`
    on each `clock()`. Time is kept as float seconds since `start`, so intervals read by `monotonic()` are
    exact (a datetime would round them to microseconds)."""

    def __init__(self, start: datetime = START, *, step: timedelta = timedelta(0)) -> None:
        self.start = start
        self.step = step
        self.elapsed = 0.0
        self.slept: list[float] = []  # every sleep asked for, rounded to the millisecond

    @property
    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    @now.setter
    def now(self, value: datetime) -> None:
        self.elapsed = (value - self.start).total_seconds()

    def __call__(self) -> datetime:
        self.advance(self.step)
        return self.now

    def advance(self, by: timedelta | float) -> datetime:
        self.elapsed += by.total_seconds() if isinstance(by, timedelta) else by
        return self.now

    def timestamp(self) -> float:
        return self.start.timestamp() + self.elapsed

    def monotonic(self) -> float:
        return self.elapsed

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.elapsed += seconds
