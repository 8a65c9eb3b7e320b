"""The loops every channel runs beside its receiver: the inbox worker, the job runner and the scheduler
tick (reminders, broadcast progress). State lives in the database, so any of them may restart at will."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import structlog

from cdht.handlers import broadcast, reminders
from cdht.handlers.context import Services
from cdht.handlers.inbox_worker import Decoder, process_next
from cdht.handlers.jobs import run_next_job
from cdht.handlers.ports import UnitOfWorkFactory

log = structlog.get_logger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


async def drain_inbox(
    uow_factory: UnitOfWorkFactory,
    decoders: Mapping[str, Decoder],
    services: Services,
    clock: Callable[[], datetime],
) -> int:
    done = 0
    while await process_next(uow_factory, decoders, services, clock) is not None:
        done += 1
    return done


async def drain_jobs(
    uow_factory: UnitOfWorkFactory, services: Services, clock: Callable[[], datetime]
) -> int:
    done = 0
    while await run_next_job(uow_factory, services, clock) is not None:
        done += 1
    return done


async def scheduler_tick(
    uow_factory: UnitOfWorkFactory, services: Services, policy: reminders.ReminderPolicy, now: datetime
) -> reminders.ReminderRun:
    run = await reminders.tick(uow_factory, now, services.year, policy, reads=services.reads)
    async with uow_factory() as uow:
        await broadcast.progress_tick(uow, now)
        await uow.commit()
    return run


async def run_forever(
    uow_factory: UnitOfWorkFactory,
    decoders: Mapping[str, Decoder],
    services: Services,
    policy: reminders.ReminderPolicy,
    *,
    poll_seconds: float = 0.2,
    tick_seconds: float = 30.0,
    clock: Callable[[], datetime] = utc_now,
) -> None:
    """Inbox and jobs continuously, the scheduler every `tick_seconds`; errors are logged, never fatal."""
    last_tick = 0.0
    loop = asyncio.get_running_loop()
    while True:
        try:
            busy = await drain_inbox(uow_factory, decoders, services, clock)
            busy += await drain_jobs(uow_factory, services, clock)
            if loop.time() - last_tick >= tick_seconds:
                last_tick = loop.time()
                await scheduler_tick(uow_factory, services, policy, clock())
        except Exception:
            log.exception("background loop error; continuing")
            busy = 0
        if not busy:
            await asyncio.sleep(poll_seconds)
