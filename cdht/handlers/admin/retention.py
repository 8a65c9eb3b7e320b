"""Personal data kept only as long as it is needed (Nghị định 13/2023/NĐ-CP): the raw updates of handled
messages, the content of sent messages and the exported files (in the file store, the folder's or the database's) are dropped after a number
of days; evidence and a dossier's documents stay.

The rows stay: an inbox row's (channel, external id) still turns a redelivered update away, an outbox row keeps
its dedupe and edit keys, platform message id and broadcast. The work goes a chunk per short transaction,
yielding to the event loop between chunks, so a large backlog never holds the database or the bot for long
(`cdht prune`, and the scheduler once a local day)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cdht.handlers.ports import FileStore, UnitOfWorkFactory

CHUNK = 500  # rows per transaction: a few milliseconds on SQLite, well under the loop's 100 ms budget
PRUNED_ON = "retention:pruned_on"  # key_values: the local day the scheduler last pruned


@dataclass
class PruneRun:
    inbox: int = 0  # handled updates whose raw content was dropped
    outbox: int = 0  # sent (or given up) messages whose content was dropped
    exports: int = 0  # exported files deleted

    @property
    def total(self) -> int:
        return self.inbox + self.outbox + self.exports


def cutoff(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


async def prunable(
    uow_factory: UnitOfWorkFactory, now: datetime, days: int, *, files: FileStore | None = None
) -> PruneRun:
    """What a prune would drop now (a dry run, the length of a progress bar)."""
    before = cutoff(now, days)
    async with uow_factory() as uow:
        run = PruneRun(await uow.inbox.prunable_count(before), await uow.outbox.prunable_count(before))
    if files is not None:
        run.exports = await asyncio.to_thread(files.count_exports, before)
    return run


async def prune(
    uow_factory: UnitOfWorkFactory,
    now: datetime,
    days: int,
    *,
    files: FileStore | None = None,
    chunk: int = CHUNK,
    on_chunk: Callable[[int], None] | None = None,
) -> PruneRun:
    """Drop what is older than `days`: handled inbox updates, outbox messages no longer waiting, files under
    exported files in `files` (made again on request). `on_chunk(n)` after each chunk of n rows."""
    before = cutoff(now, days)
    run = PruneRun()
    while True:
        async with uow_factory() as uow:
            count = await uow.inbox.prune_payloads(before, limit=chunk)
            await uow.commit()
        run.inbox += count
        if on_chunk is not None:
            on_chunk(count)
        await asyncio.sleep(0)  # let the chats be served between chunks
        if count < chunk:
            break
    while True:
        async with uow_factory() as uow:
            count = await uow.outbox.prune_payloads(before, limit=chunk)
            await uow.commit()
        run.outbox += count
        if on_chunk is not None:
            on_chunk(count)
        await asyncio.sleep(0)
        if count < chunk:
            break
    if files is not None:
        run.exports = await asyncio.to_thread(files.prune_exports, before)
    return run


async def prune_once_a_day(
    uow_factory: UnitOfWorkFactory, now: datetime, today: str, days: int, *, files: FileStore | None
) -> PruneRun | None:
    """The scheduler's prune: the first time it is asked on a local day (`today`, ISO), else None. The day
    is stored, so restarts and other processes do not prune again that day."""
    async with uow_factory() as uow:
        done = await uow.key_values.get(PRUNED_ON)
    if done is not None and done.get("day") == today:
        return None
    run = await prune(uow_factory, now, days, files=files)
    async with uow_factory() as uow:
        await uow.key_values.put(PRUNED_ON, {"day": today, **vars(run)}, now)
        await uow.commit()
    return run
