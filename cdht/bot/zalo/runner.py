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
from cdht.bot.runner import Timing, processing_jobs, run_until_stopped, signals_set, utc_now
from cdht.bot.zalo.channel import CHANNEL, ZaloChannel, decode

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
