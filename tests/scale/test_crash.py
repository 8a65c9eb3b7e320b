"""A worker killed with SIGKILL in the middle of a flood, then started again: every update is processed exactly
once (the stored answers and the outbox say so) and nothing is lost. On PostgreSQL one of three `cdht worker`
processes dies; on SQLite the only process (`cdht run`, long polling) does.

The crash window: a message Telegram accepted from a process killed before that process recorded it is sent
again after the restart; no chat platform offers an idempotency key. How many such messages there can be, per
channel and process: each of the `sender_concurrency` sender workers (4) has one claim in flight at a time, of
as many rows as the global rate bucket holds slots for at that moment (at least one; at most the batch: 8 on
SQLite, 1 on PostgreSQL; the bucket holds 40 ms worth of the global limit), and the express worker for replies
one row. A worker takes its next claim only once every row of the last one is recorded. So at Telegram's 25/s
4 x 1 + 1 = 5; on SQLite with the global limit at 200/s or more 4 x 8 + 1 = 33; on PostgreSQL 5 per process.

The first two tests kill while the Bot API is stalled (`hold`): nothing is accepted-but-unrecorded, so nothing
may be sent twice. The others kill while Telegram is accepting messages: once its answers are late (every
sender worker has its claim accepted and unrecorded: the worst case, which must fill the window and not
exceed it), and once at a random moment of a flowing flood, right as a message is accepted (it at least is
sent again). Everything else is mid-flight at the kill: inbox transactions, claims, the senders' requests."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from cdht.storage.database import Database
from tests.fakes.telegram_faults import FaultyTelegramAPI
from tests.scale.flood import check_exactly_once, crowd, interleaved, progress, seed_roster, store_in_inbox
from tests.scale.processes import CdhtProcess, cdht_environment, wait_for

pytestmark = pytest.mark.slow  # every scale test; `make unit-fast` leaves them out


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


# The crash window of `cdht run` on SQLite (see the module's docstring): 4 sender workers x 1 slot at
# Telegram's 25 messages a second, x 8 rows (the SQLite batch) with the limit lifted (the tests' 2000/s),
# plus the express worker's one reply.
WINDOW_AT_TELEGRAM_LIMITS = 4 * 1 + 1
WINDOW_LIFTED_ON_SQLITE = 4 * 8 + 1


@pytest.mark.parametrize(
    ("limits", "people_count", "window"),
    [
        ({"rate_global_per_second": "25", "rate_per_chat_per_second": "1"}, 12, WINDOW_AT_TELEGRAM_LIMITS),
        ({}, 40, WINDOW_LIFTED_ON_SQLITE),  # cdht_environment's lifted limits
    ],
    ids=["telegram-limits", "lifted-limits"],
)
async def test_killed_while_telegram_has_accepted_unanswered_messages_sends_only_those_again(
    sqlite_database: Database, tmp_path: Path, limits: dict[str, str], people_count: int, window: int
) -> None:
    """The worst case: a backlog for many chats, every sender worker's claim accepted by Telegram and not
    answered yet (so not recorded) when the process dies. Exactly those are sent again, and there are never
    more of them than the window."""
    people = crowd(people_count)
    await seed_roster(sqlite_database, people)
    updates = interleaved(people)
    await store_in_inbox(sqlite_database, updates)  # as if received before the first start
    api = FaultyTelegramAPI()
    await api.start()
    env = cdht_environment(tmp_path, api.base_url, **limits)
    api.hold()  # first the backlog: every update processed, every reply queued, nothing accepted
    bot = CdhtProcess(["run"], env, tmp_path, "run")
    try:

        async def all_processed() -> bool:
            return (await progress(sqlite_database))[0] == len(updates)

        await wait_for(all_processed, seconds=30, processes=[bot], what="the backlog to be queued")
        bot.kill()

        async def held_sends_void() -> bool:  # the fake saw the dead process's connections close
            return api.waiting == 0

        await wait_for(held_sends_void, seconds=10, processes=[], what="the held sends to be dropped")
        assert not api.calls_to("sendMessage")
        api.hold_answers()
        api.release()
        bot = CdhtProcess(["run"], env, tmp_path, "run-again")

        async def window_full() -> bool:
            return api.unanswered >= window

        await wait_for(window_full, seconds=30, processes=[bot], what=f"{window} sends to be in flight")
        await asyncio.sleep(1.0)  # long enough for any other worker to claim (idle workers look every 0.5 s)
        accepted_unanswered = api.unanswered
        assert accepted_unanswered == window, f"{accepted_unanswered} in flight; the crash window is {window}"
        assert len(api.calls_to("sendMessage")) == window
        bot.kill()
        api.release_answers()
        bot = CdhtProcess(["run"], env, tmp_path, "run-once-more")

        async def settled() -> bool:
            done, _, pending = await progress(sqlite_database)
            return done == len(updates) and pending == 0

        await wait_for(settled, seconds=60, processes=[bot], what="the backlog to be sent")
        await asyncio.sleep(0.5)
        repeated = await check_exactly_once(sqlite_database, api, people, repeats_allowed=window)
        assert sum(repeated.values()) == accepted_unanswered, repeated
        assert set(repeated.values()) == {1}, "a chat has one message in flight at a time"
    finally:
        await bot.stop()
        await api.close()


async def test_killed_as_telegram_accepts_a_message_sends_at_most_the_window_again(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """A flood flowing at Telegram's limits, the process killed at a random moment: right after Telegram
    took a message and before its answer left (so that message, at least, was not recorded). It and at most
    the window's other messages are sent again; nothing is lost."""
    people = crowd(16)
    await seed_roster(sqlite_database, people)
    updates = interleaved(people)
    api = FaultyTelegramAPI()
    await api.start()
    env = cdht_environment(tmp_path, api.base_url, rate_global_per_second="25", rate_per_chat_per_second="1")
    bot = CdhtProcess(["run"], env, tmp_path, "run")
    victim = bot
    kill_at = random.randint(len(people), 4 * len(people))
    killed: list[int] = []

    def kill_on_delivery(method: str) -> None:
        accepted = len(api.calls_to("sendMessage"))
        if method == "sendMessage" and not killed and accepted >= kill_at:
            victim.kill()  # Telegram has the message; its answer is never read
            killed.append(accepted)

    try:

        async def polling() -> bool:
            return bool(api.calls_to("getUpdates"))

        await wait_for(polling, seconds=60, processes=[bot], what="the bot to poll")
        api.on_delivered = kill_on_delivery
        for update in updates:
            await api.push(update)

        async def was_killed() -> bool:
            assert killed or victim.alive, f"{victim.log.name} died:\n{victim.output()}"
            return bool(killed)

        await wait_for(was_killed, seconds=30, processes=[], what=f"sendMessage number {kill_at}")
        api.on_delivered = None
        bot = CdhtProcess(["run"], env, tmp_path, "run-again")

        async def settled() -> bool:
            done, _, pending = await progress(sqlite_database)
            return done == len(updates) and pending == 0 and api.pending_updates == 0

        await wait_for(settled, seconds=60, processes=[bot], what="the flood to be processed and sent")
        await asyncio.sleep(0.5)
        repeated = await check_exactly_once(
            sqlite_database, api, people, repeats_allowed=WINDOW_AT_TELEGRAM_LIMITS
        )
        assert 1 <= sum(repeated.values()) <= WINDOW_AT_TELEGRAM_LIMITS, (kill_at, repeated)
    finally:
        await bot.stop()
        await api.close()
