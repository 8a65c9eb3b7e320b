"""What runs once per process beside the channels: the job runner (charts, exports; their results go to the
outbox), broadcasts' fan-out, and the scheduler tick (reminders, broadcast progress, the retention prune).
State lives in the database, so any of them may restart at will."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime

import structlog

from cdht.handlers.admin import retention
from cdht.handlers.context import Services
from cdht.handlers.exports.jobs import run_next_job
from cdht.handlers.officer import broadcast, reminders
from cdht.handlers.ports import UnitOfWorkFactory
from cdht.handlers.procedure import opinion_reminders
from cdht.pipeline.nudge import Nudge

log = structlog.get_logger(__name__)


async def drain_jobs(
    uow_factory: UnitOfWorkFactory, services: Services, clock: Callable[[], datetime]
) -> int:
    done = 0
    while await run_next_job(uow_factory, services, clock) is not None:
        done += 1
    return done


async def scheduler_tick(
    uow_factory: UnitOfWorkFactory,
    services: Services,
    policy: reminders.ReminderPolicy,
    now: datetime,
    planned_on: date | None = None,
) -> date | None:
    """Broadcast progress every tick; reminders once a local day, at the first tick outside the quiet hours
    (a province's plan reads every person: planned every tick, it cost a second of sending each time).
    Returns the day reminders were last planned; a restart plans again, harmlessly (one a day per person).

    The retention prune runs once a local day too, at the day's first tick (the day is stored: a restart
    does not prune again), a chunk per short transaction."""
    today = reminders.local_day(now, policy)
    if today != planned_on:
        run = await reminders.tick(uow_factory, now, services.year, policy, reads=services.reads)
        if not run.quiet:
            planned_on = today
            try:  # council members who owe written opinions, once a day
                async with uow_factory() as uow:
                    await opinion_reminders.remind(uow, now, services.year, today)
                    await uow.commit()
            except Exception:  # the other reminders went out; tomorrow's tick tries again
                log.exception("council reminders failed")
    async with uow_factory() as uow:
        await broadcast.progress_tick(uow, now)
        await uow.commit()
    try:
        pruned = await retention.prune_once_a_day(
            uow_factory, now, today.isoformat(), services.retention_days, files=services.files
        )
    except Exception:  # what was pruned is committed; the rest is tried again at the next tick
        log.exception("retention prune failed")
    else:
        if pruned is not None and pruned.total:
            log.info("retention prune", inbox=pruned.inbox, outbox=pruned.outbox, exports=pruned.exports)
    return planned_on


async def run_jobs_and_ticks(
    uow_factory: UnitOfWorkFactory,
    services: Callable[[], Services],
    policy: reminders.ReminderPolicy,
    clock: Callable[[], datetime],
    stop: asyncio.Event,
    *,
    queued: Callable[[], None],
    idle_seconds: float,
    tick_seconds: float,
) -> None:
    """Fan-out, jobs, and the scheduler every `tick_seconds`, until `stop` is set; `queued` (the senders look
    for new rows) after each step that may have queued messages. Errors are logged, never fatal."""
    loop = asyncio.get_running_loop()
    last_tick = loop.time()  # the first tick comes one interval after the start
    planned_on: date | None = None
    idle = Nudge()
    while not stop.is_set():
        try:
            current = services()
            if await broadcast.fan_out(uow_factory, clock, current.year):
                queued()
            if await drain_jobs(uow_factory, current, clock):
                queued()
            if loop.time() - last_tick >= tick_seconds:
                last_tick = loop.time()
                planned_on = await scheduler_tick(uow_factory, current, policy, clock(), planned_on)
                queued()
        except Exception:
            log.exception("jobs or scheduler step failed; continuing")
        await idle.wait(stop, seconds=idle_seconds)
