"""A worker killed with SIGKILL in the middle of a flood, then started again: every update is processed exactly
once (the stored answers and the outbox say so) and no reply is sent twice. On PostgreSQL one of three
`cdht worker` processes dies; on SQLite the only process (`cdht run`, long polling) does.

The kill lands while the Bot API is stalled (`hold`): a process killed after Telegram accepted a message and
before its own commit would send that message again after the restart. No chat platform offers an
idempotency key, so that window (milliseconds per message) can be narrowed but not closed; the stall keeps
the test about what the bot does guarantee. Everything else is mid-flight at the kill: inbox transactions,
claims, the senders' requests."""

from __future__ import annotations

import asyncio
from pathlib import Path

from cdht.storage.database import Database
from tests.fakes.telegram_faults import FaultyTelegramAPI
from tests.scale.flood import check_exactly_once, crowd, interleaved, progress, seed_roster, store_in_inbox
from tests.scale.processes import CdhtProcess, cdht_environment, wait_for


async def crash(api: FaultyTelegramAPI, victim: CdhtProcess, database: Database) -> None:
    """SIGKILL once every message Telegram accepted so far is recorded as sent (sends wait meanwhile)."""
    api.hold()

    async def all_recorded() -> bool:
        return (await progress(database))[1] == len(api.calls_to("sendMessage"))

    await wait_for(all_recorded, seconds=20, processes=[victim], what="accepted messages to be recorded")
    victim.kill()
    await asyncio.sleep(0.3)  # the fake sees the dead process's connections close: its held sends are void
    api.release()


async def test_a_worker_killed_mid_flood_on_postgres_loses_and_repeats_nothing(
    pg_database: Database, postgres_schema: str, tmp_path: Path
) -> None:
    people = crowd(120)
    await seed_roster(pg_database, people)
    updates = interleaved(people)
    api = FaultyTelegramAPI()
    await api.start()
    env = cdht_environment(
        tmp_path, api.base_url, database_url=str(pg_database.url), database_schema=postgres_schema
    )
    workers = [CdhtProcess(["worker"], env, tmp_path, f"worker-{n}") for n in range(3)]
    try:

        async def started() -> bool:
            return len(api.calls_to("getMe")) >= len(workers)

        await wait_for(started, seconds=60, processes=workers, what="three workers to start")
        half = len(updates) // 2
        await store_in_inbox(pg_database, updates[:half])

        async def a_fifth_done() -> bool:
            return (await progress(pg_database))[0] >= len(updates) // 5

        await wait_for(a_fifth_done, seconds=60, processes=workers, what="the flood to get going")
        await store_in_inbox(pg_database, updates[half:])
        await crash(api, workers[0], pg_database)  # with most of the flood still to process
        workers[0] = CdhtProcess(["worker"], env, tmp_path, "worker-0-again")

        async def settled() -> bool:
            done, _, pending = await progress(pg_database)
            return done == len(updates) and pending == 0

        await wait_for(settled, seconds=120, processes=workers, what="the flood to be processed and sent")
        await asyncio.sleep(0.5)
        await check_exactly_once(pg_database, api, people)
    finally:
        for worker in workers:
            await worker.stop()
        await api.close()


async def test_the_only_process_killed_mid_flood_on_sqlite_loses_and_repeats_nothing(
    sqlite_database: Database, tmp_path: Path
) -> None:
    people = crowd(40)
    await seed_roster(sqlite_database, people)
    updates = interleaved(people)
    api = FaultyTelegramAPI()
    await api.start()
    env = cdht_environment(tmp_path, api.base_url)  # the SQLite file under CDHT_DATA_DIR
    bot = CdhtProcess(["run"], env, tmp_path, "run")
    try:

        async def polling() -> bool:
            return bool(api.calls_to("getUpdates"))

        await wait_for(polling, seconds=60, processes=[bot], what="the bot to poll")
        for update in updates:
            await api.push(update)  # Telegram holds them until a later getUpdates confirms them

        async def a_fifth_done() -> bool:
            return (await progress(sqlite_database))[0] >= len(updates) // 5

        await wait_for(a_fifth_done, seconds=60, processes=[bot], what="the flood to get going")
        await crash(api, bot, sqlite_database)
        bot = CdhtProcess(["run"], env, tmp_path, "run-again")

        async def settled() -> bool:
            done, _, pending = await progress(sqlite_database)
            return done == len(updates) and pending == 0 and api.pending_updates == 0

        await wait_for(settled, seconds=120, processes=[bot], what="the flood to be processed and sent")
        await asyncio.sleep(0.5)
        await check_exactly_once(sqlite_database, api, people)
    finally:
        await bot.stop()
        await api.close()
