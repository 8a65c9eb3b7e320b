"""Several processes on one PostgreSQL: `cdht run --workers 3` (one receiving process that also works, and
two `cdht worker` processes, each with four inbox workers and four senders) floods from 200 people through
the webhook: every update processed exactly once and in each person's order, every reply sent exactly once."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from cdht.storage.database import Database
from tests.fakes.telegram_faults import FaultyTelegramAPI
from tests.scale.flood import check_exactly_once, crowd, flood_webhook, progress, seed_roster
from tests.scale.processes import CdhtProcess, cdht_environment, wait_for

pytestmark = pytest.mark.slow  # every scale test; `make unit-fast` leaves them out

PEOPLE = 200
SECRET = "scale-Secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_three_processes_share_a_flood_exactly_once_and_in_order(
    pg_database: Database, postgres_schema: str, tmp_path: Path
) -> None:
    people = crowd(PEOPLE)
    await seed_roster(pg_database, people)
    api = FaultyTelegramAPI()
    await api.start()
    port = free_port()
    env = cdht_environment(
        tmp_path,
        api.base_url,
        database_url=str(pg_database.url),
        database_schema=postgres_schema,
        telegram_webhook_url=f"http://127.0.0.1:{port}/telegram/webhook",
        telegram_webhook_secret=SECRET,
        telegram_webhook_port=str(port),
    )
    bot = CdhtProcess(["run", "--workers", "3"], env, tmp_path, "run")
    try:

        async def started() -> bool:
            return api.webhook is not None and len(api.calls_to("getMe")) >= 3  # all three processes

        await wait_for(started, seconds=60, processes=[bot], what="three processes to start")
        await flood_webhook(api, people)

        async def settled() -> bool:
            done, _, pending = await progress(pg_database)
            return done == 6 * PEOPLE and pending == 0

        await wait_for(settled, seconds=120, processes=[bot], what="the flood to be processed and sent")
        await asyncio.sleep(0.5)  # a late duplicate would show up now
        await check_exactly_once(pg_database, api, people)
    finally:
        await bot.stop()
        await api.close()
