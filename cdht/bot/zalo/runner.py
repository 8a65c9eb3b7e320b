"""`cdht run` with a Zalo token: receive (long polling or webhook), process the inbox, run the jobs (charts,
exports) and the scheduler tick, send the outbox, until SIGINT/SIGTERM. Every step goes through the database,
so a restart resumes where the last run stopped: stored updates not yet processed, and replies not yet sent,
are picked up on start. The loops around the channel are the Telegram runner's channel-agnostic ones."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import datetime

from cdht.bot.composition import App
from cdht.bot.outbox_sender import Nudge, OutboxSender
from cdht.bot.rate_limit import RateLimiter
from cdht.bot.runner import BackgroundLoops, Timing, run_until_stopped, signals_set, utc_now
from cdht.bot.zalo.channel import CHANNEL, ZaloChannel, decode
from cdht.storage.database import is_sqlite

__all__ = ["ZALO_TIMING", "Timing", "run_zalo"]

ZALO_TIMING = dataclasses.replace(Timing(), poll_timeout=8)
"""A short long poll: a stop waits for the poll in flight, since Zalo cannot hand an update out twice."""


async def run_zalo(
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
    """Run the Zalo channel until `stop` is set (SIGINT/SIGTERM set it).

    `background=False` leaves jobs and the scheduler tick to another runner in the same process (e.g.
    Telegram's); `receive=False` makes an extra worker process that only processes and sends."""
    timing = timing or ZALO_TIMING
    stop = stop or asyncio.Event()
    channel = ZaloChannel(app.settings, app.uow, clock, retry_after_seconds=timing.retry_seconds)
    try:
        await channel.start()
        settings = app.settings
        limiter = RateLimiter(
            settings.rate_global_per_second,
            settings.rate_per_chat_per_second,
            settings.rate_per_group_per_minute,
        )
        sender = OutboxSender(
            app.uow,
            CHANNEL,
            channel.transport,
            limiter,
            clock,
            concurrency=timing.sender_concurrency,
            idle_seconds=timing.idle_seconds,
            retry=timing.retry,
        )
        inbox_nudge = Nudge()
        channel.intake.on_stored = inbox_nudge.set
        workers = timing.inbox_workers or (1 if is_sqlite(app.database.url) else 4)
        loops = BackgroundLoops(app, channel.fetcher, {CHANNEL: decode}, clock, stop, timing)
        jobs = [
            *(loops.inbox(inbox_nudge, sender.wake) for _ in range(workers)),
            *([loops.jobs_and_ticks(sender.wake)] if background else []),
            sender.run(stop),
        ]
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
