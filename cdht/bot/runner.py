"""`cdht run` with a Telegram token: receive (long polling or webhook), process the inbox, run the jobs
(exports, charts) and the scheduler tick (reminders, broadcast progress), send the outbox, until SIGINT/SIGTERM.
Every step goes through the database, so a restart resumes where the last run stopped: stored updates not yet
processed, jobs not yet run and replies not yet sent are picked up on start.

`Timing`, `BackgroundLoops`, `run_until_stopped` and `signals_set` are channel-agnostic (Zalo can share them).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import structlog

from cdht.bot.background import drain_jobs, scheduler_tick
from cdht.bot.composition import App
from cdht.bot.outbox_sender import Nudge, OutboxSender, RetryPolicy, Transport
from cdht.bot.rate_limit import RateLimiter
from cdht.bot.telegram.channel import CHANNEL, TelegramChannel, decode
from cdht.handlers import broadcast
from cdht.handlers.context import MediaFetcher, Services
from cdht.handlers.inbox_worker import Decoder, process_batch
from cdht.storage.database import is_sqlite

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Timing:
    """How often and how long things wait; tests shrink these."""

    poll_timeout: int = 25  # seconds a getUpdates long poll may wait for updates
    idle_seconds: float = 0.5  # how often idle loops look again (they are also woken at once)
    retry_seconds: float = 5.0  # pause after a failed getUpdates or a failed inbox step
    tick_seconds: float = 30.0  # reminders and broadcast progress
    shutdown_seconds: float = 10.0  # how long work in progress may finish after a stop signal
    sender_concurrency: int = 4
    inbox_workers: int | None = None  # default: 1 on SQLite (no row locks), 4 on PostgreSQL
    retry: RetryPolicy = field(default_factory=RetryPolicy)


def utc_now() -> datetime:
    return datetime.now(UTC)


async def run_telegram(
    app: App,
    *,
    webhook: bool,
    timing: Timing | None = None,
    stop: asyncio.Event | None = None,
    clock: Callable[[], datetime] = utc_now,
    install_signal_handlers: bool = True,
    background: bool = True,
    receive: bool = True,
) -> None:
    """Run the Telegram channel until `stop` is set (SIGINT/SIGTERM set it).

    `background=False` leaves jobs and the scheduler tick to another runner in the same process;
    `receive=False` makes an extra worker process (`cdht worker`): it processes and sends, only one
    process receives (Telegram allows a single getUpdates consumer)."""
    timing = timing or Timing()
    stop = stop or asyncio.Event()
    channel = TelegramChannel(app.settings, app.uow, clock)
    try:
        await channel.start()
        jobs = processing_jobs(
            app,
            CHANNEL,
            channel.transport,
            channel.fetcher,
            decode,
            channel.intake,
            clock,
            stop,
            timing,
            background,
        )
        if receive:
            jobs.append(
                channel.receive(
                    stop,
                    webhook=webhook,
                    poll_timeout=timing.poll_timeout,
                    retry_seconds=timing.retry_seconds,
                )
            )
        with signals_set(stop, enabled=install_signal_handlers):
            await run_until_stopped(jobs, stop, timing.shutdown_seconds)
    finally:
        await channel.close()


class Intake(Protocol):
    on_stored: Callable[[], None]


def processing_jobs(
    app: App,
    channel_name: str,
    transport: Transport,
    fetcher: MediaFetcher,
    decoder: Decoder,
    intake: Intake,
    clock: Callable[[], datetime],
    stop: asyncio.Event,
    timing: Timing,
    background: bool,
) -> list[Coroutine[Any, Any, None]]:
    """What every channel runs beside its receiver: inbox workers (woken when an update is stored), the
    rate-limited outbox sender, and (once per process) the jobs and scheduler loop."""
    settings = app.settings
    limiter = RateLimiter(
        settings.rate_global_per_second, settings.rate_per_chat_per_second, settings.rate_per_group_per_minute
    )
    sender = OutboxSender(
        app.uow,
        channel_name,
        transport,
        limiter,
        clock,
        concurrency=timing.sender_concurrency,
        batch=8 if is_sqlite(app.database.url) else 1,  # batches need a database without row locks
        idle_seconds=timing.idle_seconds,
        retry=timing.retry,
        bulk_floor=settings.rate_bulk_floor,
    )
    nudge = Nudge()
    intake.on_stored = nudge.set
    workers = timing.inbox_workers or (1 if is_sqlite(app.database.url) else 4)
    loops = BackgroundLoops(app, fetcher, {channel_name: decoder}, clock, stop, timing)
    return [
        *(loops.inbox(nudge, sender.wake) for _ in range(workers)),
        *([loops.jobs_and_ticks(sender.wake)] if background else []),
        sender.run(stop),
    ]


@dataclass
class BackgroundLoops:
    """What runs beside a channel's receiver and sender. Each inbox worker takes only the channels in
    `decoders`, so processes serving different channels can share one database."""

    app: App
    fetcher: MediaFetcher
    decoders: Mapping[str, Decoder]
    clock: Callable[[], datetime]
    stop: asyncio.Event
    timing: Timing

    def services(self) -> Services:
        today = self.clock().astimezone(ZoneInfo(self.app.settings.timezone)).date()
        return self.app.services(self.fetcher, today=today)

    async def inbox(self, nudge: Nudge, processed: Callable[[], None]) -> None:
        while not self.stop.is_set():
            try:
                done = await process_batch(self.app.uow, self.decoders, self.services(), self.clock)
            except Exception:  # the database is away, ...: the row stays pending and is tried again
                log.exception("inbox step failed")
                await nudge.wait(self.stop, seconds=self.timing.retry_seconds)
                continue
            if not done:
                await nudge.wait(self.stop, seconds=self.timing.idle_seconds)
            else:
                processed()

    async def jobs_and_ticks(self, processed: Callable[[], None]) -> None:
        """Charts and exports (their results go to the outbox), and the scheduler every `tick_seconds`."""
        loop = asyncio.get_running_loop()
        last_tick = loop.time()  # the first tick comes one interval after the start
        idle = Nudge()
        while not self.stop.is_set():
            try:
                services = self.services()
                if await broadcast.fan_out(self.app.uow, self.clock, services.year):
                    processed()
                if await drain_jobs(self.app.uow, services, self.clock):
                    processed()
                if loop.time() - last_tick >= self.timing.tick_seconds:
                    last_tick = loop.time()
                    await scheduler_tick(self.app.uow, services, self.app.reminder_policy(), self.clock())
                    processed()
            except Exception:
                log.exception("jobs or scheduler step failed; continuing")
            await idle.wait(self.stop, seconds=self.timing.idle_seconds)


async def run_until_stopped(
    jobs: list[Coroutine[Any, Any, None]], stop: asyncio.Event, shutdown_seconds: float
) -> None:
    """Run the jobs until `stop` is set or one of them fails; then give the others time to finish."""
    tasks = [asyncio.create_task(job) for job in jobs]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        stop.set()
        _, unfinished = await asyncio.wait(tasks, timeout=shutdown_seconds)
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


@contextlib.contextmanager
def signals_set(stop: asyncio.Event, *, enabled: bool) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` while inside (where the platform allows signal handlers)."""
    loop = asyncio.get_running_loop()
    installed = []
    if enabled and sys.platform != "win32":  # Windows event loops have no signal handlers
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(RuntimeError, ValueError):  # not the main thread
                loop.add_signal_handler(signum, stop.set)
                installed.append(signum)
    try:
        yield
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
