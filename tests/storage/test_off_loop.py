"""Long reads run in their own thread and connection: the event loop keeps serving meanwhile."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from cdht.handlers.ports import UnitOfWork
from cdht.storage.database import Database
from cdht.storage.off_loop import ThreadReads
from tests.conftest import NOW


async def test_a_long_read_runs_off_the_loop_and_sees_what_is_committed(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'reads.sqlite3'}"
    database = Database(url)
    await database.upgrade()
    async with database.uow() as uow:
        await uow.units.add("P", "Tỉnh", "province", None, NOW)
        await uow.commit()
    reads = ThreadReads(lambda: Database(url))
    threads: list[int] = []

    async def slow_read(uow: UnitOfWork) -> str:
        threads.append(threading.get_ident())
        unit = await uow.units.by_code("P")
        time.sleep(0.3)  # noqa: ASYNC251 - work that would hold a loop: the scores of a province, say
        return unit.name if unit else "?"

    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        assert await reads.run(slow_read) == "Tỉnh"
        assert await reads.run(slow_read) == "Tỉnh"  # the thread and its connection are reused
    finally:
        ticker.cancel()
        await reads.close()
        await database.dispose()
    assert threads[0] == threads[1] != threading.get_ident()
    assert ticks >= 20  # the loop went on ticking through 0.6 s of reads
