"""Personal data kept only as long as it is needed (Nghị định 13/2023/NĐ-CP): the raw updates of handled
messages, the content of sent messages and the exported files are dropped after a number of days.

The rows stay: an inbox row's (channel, external id) still turns a redelivered update away, an outbox row keeps
its dedupe and edit keys, platform message id and broadcast. The work goes a chunk per short transaction,
yielding to the event loop between chunks, so a large backlog never holds the database or the bot for long
(`cdht prune`, and the scheduler once a local day)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cdht.handlers.ports import UnitOfWorkFactory

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
    uow_factory: UnitOfWorkFactory, now: datetime, days: int, *, exports_dir: Path | None = None
) -> PruneRun:
    """What a prune would drop now (a dry run, the length of a progress bar)."""
    before = cutoff(now, days)
    async with uow_factory() as uow:
        run = PruneRun(await uow.inbox.prunable_count(before), await uow.outbox.prunable_count(before))
    if exports_dir is not None:
        run.exports = len(await asyncio.to_thread(_old_files, exports_dir, before))
    return run


async def prune(
    uow_factory: UnitOfWorkFactory,
    now: datetime,
    days: int,
    *,
    exports_dir: Path | None = None,
    chunk: int = CHUNK,
    on_chunk: Callable[[int], None] | None = None,
) -> PruneRun:
    """Drop what is older than `days`: handled inbox updates, outbox messages no longer waiting, files under
    `exports_dir` (made again on request). `on_chunk(n)` after each chunk of n rows."""
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
    if exports_dir is not None:
        run.exports = await asyncio.to_thread(_delete_old_files, exports_dir, before)
    return run


async def prune_once_a_day(
    uow_factory: UnitOfWorkFactory, now: datetime, today: str, days: int, *, exports_dir: Path | None
) -> PruneRun | None:
    """The scheduler's prune: the first time it is asked on a local day (`today`, ISO), else None. The day
    is stored, so restarts and other processes do not prune again that day."""
    async with uow_factory() as uow:
        done = await uow.key_values.get(PRUNED_ON)
    if done is not None and done.get("day") == today:
        return None
    run = await prune(uow_factory, now, days, exports_dir=exports_dir)
    async with uow_factory() as uow:
        await uow.key_values.put(PRUNED_ON, {"day": today, **vars(run)}, now)
        await uow.commit()
    return run


def _old_files(folder: Path, before: datetime) -> list[Path]:
    """The files directly under `folder` last written before `before` (runs in a thread)."""
    if not folder.is_dir():
        return []
    limit = before.timestamp()
    old = []
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                old.append(path)
        except OSError:  # removed meanwhile
            continue
    return old


def _delete_old_files(folder: Path, before: datetime) -> int:
    """Delete the files `_old_files` finds; returns how many went (runs in a thread)."""
    deleted = 0
    for path in _old_files(folder, before):
        try:
            path.unlink()
            deleted += 1
        except OSError:  # removed meanwhile, or not ours to remove: left for the next run
            continue
    return deleted
