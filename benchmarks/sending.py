"""Sending: a broadcast to every village head of a synthetic province, through the fake Bot API that enforces
Telegram's flood limit (30 messages/s; beyond it 429 with retry_after), with the sender's global rate set to
that limit. Measured: the achieved rate from the first delivery to the last, against the limit (target
>= 0.95), the 429s met on the way, and that every person got the message exactly once.

The baseline, in the same run, is the simplest sender there is: a bare aiogram loop pacing itself at the
limit with a timer, no database, against its own copy of the same fake."""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter

from benchmarks.people import fresh_database, seed_people
from cdht.bot.composition import App
from cdht.bot.telegram.channel import TelegramChannel
from cdht.config import Settings
from cdht.handlers.officer import broadcast
from cdht.pipeline.runner import Timing, run_channels, utc_now
from cdht.storage.folder_files import FolderFileStore
from tests.fakes.telegram_api import TOKEN
from tests.fakes.telegram_faults import FaultyTelegramAPI

LIMIT = 30.0
TARGET = 0.95
TEXT = "Họp giao ban trực tuyến lúc 14:00 thứ Sáu."


def _rate(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


async def _ours(people: int, folder: Path) -> dict[str, Any]:
    api = FaultyTelegramAPI(rate_per_second=LIMIT)
    base = await api.start()
    try:
        async with fresh_database("sqlite", folder) as (database, location):
            user_ids, admin_id = await seed_people(database, people)
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                data_dir=folder / "data",
                assessment_year=2025,
                telegram_token=TOKEN,
                telegram_api_base=base,
                rate_global_per_second=LIMIT,
                **{k: v for k, v in location.items() if v is not None},
            )
            app = App(settings=settings, database=database, files=FolderFileStore(settings.evidence_dir))
            now = datetime.now(UTC)
            async with app.uow() as uow:
                author = await uow.people.get(admin_id)
                assert author is not None
                flow = {"text": TEXT, "role": "village_head", "unit": "BP", "unfinished": False}
                await broadcast.send(uow, author, flow, now, 2025)
                await uow.commit()
            stop = asyncio.Event()
            runner = asyncio.create_task(
                run_channels(
                    app,
                    [TelegramChannel(app.settings, app.uow, utc_now, webhook=False)],
                    receive=False,
                    stop=stop,
                    install_signal_handlers=False,
                    timing=Timing(tick_seconds=10.0),
                )
            )
            deadline = time.monotonic() + people / LIMIT * 1.5 + 60
            while len(api.calls_to("sendMessage")) < people and time.monotonic() < deadline:
                if runner.done():
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(1.0)  # anything still coming would be a duplicate
            stop.set()
            await runner
    finally:
        await api.close()
    delivered = [c for c in api.calls_to("sendMessage") if TEXT in str(c.params.get("text"))]
    chats = {c.chat_id for c in delivered}
    rate = _rate(sorted(c.at for c in delivered))
    return {
        "rate": rate,
        "lost": len(set(map(str, user_ids)) - chats),
        "duplicated": len(delivered) - len(chats),
        "refused_429": api.refused,
    }


async def _baseline(messages: int) -> dict[str, Any]:
    api = FaultyTelegramAPI(rate_per_second=LIMIT)
    base = await api.start()
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    try:
        started = time.monotonic()
        for index in range(messages):
            await asyncio.sleep(max(0.0, started + index / LIMIT - time.monotonic()))
            try:
                await bot.send_message(900_000 + index, TEXT)
            except TelegramRetryAfter as error:
                await asyncio.sleep(error.retry_after)
                await bot.send_message(900_000 + index, TEXT)
    finally:
        await bot.session.close()
        await api.close()
    return {"rate": _rate(sorted(c.at for c in api.calls_to("sendMessage"))), "refused_429": api.refused}


def run(people: int = 10_000) -> dict[str, Any]:
    async def main() -> dict[str, Any]:
        with tempfile.TemporaryDirectory() as name:
            ours = await _ours(people, Path(name))
        baseline = await _baseline(min(people, 600))
        ratio = ours["rate"] / LIMIT
        return {
            "name": "sending",
            "units": f"a broadcast to {people} people, limit {LIMIT:g} messages/s enforced with 429",
            "achieved_per_second": round(ours["rate"], 2),
            "ratio_vs_limit": round(ratio, 3),
            "baseline_paced_loop_per_second": round(baseline["rate"], 2),
            "baseline_ratio_vs_limit": round(baseline["rate"] / LIMIT, 3),
            "lost": ours["lost"],
            "duplicated": ours["duplicated"],
            "429_answered": ours["refused_429"],
            "baseline_429_answered": baseline["refused_429"],
            "target": f"rate/limit >= {TARGET}, zero lost, zero duplicated",
            "met": ratio >= TARGET and ours["lost"] == 0 and ours["duplicated"] == 0,
        }

    return asyncio.run(main())
