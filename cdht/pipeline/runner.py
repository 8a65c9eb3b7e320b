"""`cdht run`: any set of channels, each receiving (long polling or webhook), its inbox processed and its outbox
sent under its own rate limits; jobs (exports, charts) and the scheduler tick (reminders, broadcast progress)
once per process; until SIGINT/SIGTERM. Every step goes through the database, so a restart resumes where the
last run stopped: stored updates not yet processed, jobs not yet run and replies not yet sent are picked up
on start."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from cdht.config import Settings
from cdht.handlers.context import MediaFetcher, Services
from cdht.handlers.officer.reminders import ReminderPolicy
from cdht.handlers.ports import BatchUnitOfWork, StorageAbilities, UnitOfWork
from cdht.pipeline.background import run_jobs_and_ticks
from cdht.pipeline.channel import Channel
from cdht.pipeline.inbox import run_inbox
from cdht.pipeline.nudge import Nudge
from cdht.pipeline.outbox import OutboxSender, RetryPolicy
from cdht.pipeline.rate_limit import RateLimiter

Job = Coroutine[Any, Any, None]
SWITCH_SECONDS = 0.0005
"""The GIL's switch interval while channels run. Long reads and renders run in threads; each time the loop's
thread lets go of the GIL (every sqlite3 call does, once per row) it waits for a busy thread's switch interval
to get it back. At Python's default of 5 ms a 40-row read took 200 ms while a province's reminders were
planned in a thread, and a bot under a mixed load was held up to 270 ms; at 0.5 ms the longest hold measured
23 ms (benchmarks/stalls.py)."""


@dataclass(frozen=True)
class Timing:
    """How often and how long things wait; tests shrink these."""

    idle_seconds: float = 0.5  # how often idle loops look again (they are also woken at once)
    retry_seconds: float = 5.0  # pause after a failed inbox step
    tick_seconds: float = 30.0  # reminders and broadcast progress
    shutdown_seconds: float = 10.0  # how long work in progress may finish after a stop signal
    sender_concurrency: int = 4
    inbox_workers: int | None = None  # default: 1 without row locks (SQLite), 4 with them (PostgreSQL)
    retry: RetryPolicy = field(default_factory=RetryPolicy)


class Backend(Protocol):
    """What the runner needs from the composition root (`cdht.bot.composition.App`)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def abilities(self) -> StorageAbilities: ...
    def uow(self) -> UnitOfWork: ...
    def batch_uow(self) -> BatchUnitOfWork: ...
    def services(self, fetcher: MediaFetcher, today: date | None = None) -> Services: ...
    def reminder_policy(self) -> ReminderPolicy: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


async def run_channels(
    app: Backend,
    channels: Sequence[Channel],
    *,
    timing: Timing | None = None,
    stop: asyncio.Event | None = None,
    clock: Callable[[], datetime] = utc_now,
    install_signal_handlers: bool = True,
    receive: bool = True,
    background: bool = True,
) -> None:
    """Run the channels until `stop` is set (SIGINT/SIGTERM set it) or one of their loops fails.

    `receive=False` makes an extra worker process (`cdht worker`): it processes and sends, only one process
    receives (Telegram allows a single getUpdates consumer). `background=False` leaves the jobs and the
    scheduler tick to another process."""
    if not channels:
        raise ValueError("no channel to run")
    sys.setswitchinterval(SWITCH_SECONDS)
    timing = timing or Timing()
    stop = stop or asyncio.Event()
    async with contextlib.AsyncExitStack() as closing:
        for channel in channels:
            closing.push_async_callback(channel.close)
        for channel in channels:
            await channel.start()
        jobs: list[Job] = []
        senders: list[OutboxSender] = []
        for channel in channels:
            sender = _sender(app, channel, clock, timing)
            senders.append(sender)
            jobs += _channel_jobs(app, channel, sender, clock, stop, timing, receive=receive)

        def wake_senders() -> None:
            for sender in senders:
                sender.wake()

        if background:
            jobs.append(
                run_jobs_and_ticks(
                    app.uow,
                    _services_today(app, channels[0].fetcher, clock),
                    app.reminder_policy(),
                    clock,
                    stop,
                    queued=wake_senders,
                    idle_seconds=timing.idle_seconds,
                    tick_seconds=timing.tick_seconds,
                )
            )
        with signals_set(stop, enabled=install_signal_handlers):
            await run_until_stopped(jobs, stop, timing.shutdown_seconds)


def _sender(app: Backend, channel: Channel, clock: Callable[[], datetime], timing: Timing) -> OutboxSender:
    settings = app.settings
    limiter = RateLimiter(
        settings.rate_global_per_second, settings.rate_per_chat_per_second, settings.rate_per_group_per_minute
    )
    return OutboxSender(
        app.uow,
        channel.name,
        channel.transport,
        limiter,
        clock,
        concurrency=timing.sender_concurrency,
        batch=8 if app.abilities.batch_sends else 1,
        idle_seconds=timing.idle_seconds,
        retry=timing.retry,
        bulk_floor=settings.rate_bulk_floor,
    )


def _channel_jobs(
    app: Backend,
    channel: Channel,
    sender: OutboxSender,
    clock: Callable[[], datetime],
    stop: asyncio.Event,
    timing: Timing,
    *,
    receive: bool,
) -> list[Job]:
    """A channel's inbox loops (woken when an update is stored), its sender and, if it receives here, its
    receiver. Each inbox loop takes only this channel's rows, so processes serving different channels can
    share one database."""
    stored = Nudge()
    channel.intake.on_stored = stored.set
    workers = timing.inbox_workers or (4 if app.abilities.row_locks else 1)
    services = _services_today(app, channel.fetcher, clock)
    jobs = [
        run_inbox(
            app.batch_uow,
            {channel.name: channel.decode},
            services,
            clock,
            stop,
            stored=stored,
            processed=sender.wake,
            idle_seconds=timing.idle_seconds,
            retry_seconds=timing.retry_seconds,
        )
        for _ in range(workers)
    ]
    jobs.append(sender.run(stop))
    if receive:
        jobs.append(channel.receive(stop))
    return jobs


def _services_today(
    app: Backend, fetcher: MediaFetcher, clock: Callable[[], datetime]
) -> Callable[[], Services]:
    """The use cases' services for the local date at the time of asking (the assessment year follows it)."""

    def services() -> Services:
        today = clock().astimezone(ZoneInfo(app.settings.timezone)).date()
        return app.services(fetcher, today=today)

    return services


async def run_until_stopped(jobs: list[Job], stop: asyncio.Event, shutdown_seconds: float) -> None:
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
