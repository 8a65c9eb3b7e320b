"""The event loop under a mixed load: how long the bot's loop is ever held.

A province of 100 communes x 20 villages, every question answered, 10,000 registered village heads (five a
village), the bot (`cdht run`, webhook, production send limits) in its own process. Fifty people answer once
every five seconds throughout; meanwhile the province admin, in chat, asks `/tiendo` for the whole province,
orders the province's summary table (`/xuat xlsx:BP`, an export job) and sends a broadcast to all 10,000
(`/thongbao` step by step). The bot logs every stall of its loop longer than 20 ms ("event loop held", its own
watchdog, `CDHT_SLOW_MS`); the ten longest are reported. Target: the longest under 100 ms."""

from __future__ import annotations

import asyncio
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.inbound import SECRET, _stop, bot_config, start_bot
from benchmarks.load import Poster, ReplyWatcher, paced, update, warm_up
from benchmarks.people import fresh_database
from benchmarks.scoring import seed as seed_answers

NOW = datetime(2026, 1, 15, tzinfo=UTC)
HEADS_PER_VILLAGE = 5
ADMIN_USER = 799_999
FIRST_USER = 800_000
TARGET_MS = 100.0
STALL = re.compile(r"event loop held\s+ms=([\d.]+)")
ADMIN_SCRIPT = (  # (seconds after the answering starts, what the admin types)
    (5.0, "/tiendo"),
    (10.0, "/xuat xlsx:BP"),
    (15.0, "/thongbao"),
    (17.0, "Họp giao ban trực tuyến lúc 14:00 thứ Sáu."),
    (19.0, "/tb role:village_head"),
    (21.0, "/tb unit:BP"),
    (23.0, "/tb unf:0"),
    (26.0, "/tb send:"),
    (35.0, "/tiendo"),
)


async def _seed(database: Any, communes: int, villages: int) -> list[int]:
    async with database.uow() as uow:
        await seed_answers(uow, communes, villages, (2025,))
    user_ids = []
    async with database.uow() as uow:
        province = await uow.units.by_code("BP")
        assert province is not None
        admin = await uow.people.add("Quản trị tỉnh", "+84900999999", "province_admin", province.id, NOW)
        await uow.people.link_identity(admin.id, "telegram", str(ADMIN_USER), str(ADMIN_USER), NOW)
        index = 0
        for unit in await uow.units.subtree(province.id):
            if unit.tier != "village":
                continue
            for _ in range(HEADS_PER_VILLAGE):
                person = await uow.people.add(
                    f"Trưởng thôn {index}", f"+8491{index:07d}", "village_head", unit.id, NOW
                )
                user_id = FIRST_USER + index
                await uow.people.link_identity(person.id, "telegram", str(user_id), str(user_id), NOW)
                user_ids.append(user_id)
                index += 1
        await uow.commit()
    return user_ids


async def _admin(poster: Poster, started: float) -> None:
    for at, text in ADMIN_SCRIPT:
        await asyncio.sleep(max(0.0, started + at - time.perf_counter()))
        await poster.post(update(ADMIN_USER, text))


async def _run(communes: int, villages: int, answering: int, duration: float) -> dict[str, Any]:
    watcher = ReplyWatcher(rate_per_second=30.0)
    base = await watcher.start()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        async with fresh_database("sqlite", folder) as (database, location):
            user_ids = await _seed(database, communes, villages)
            config, url = bot_config(folder, base, location, slow_ms=20.0)
            errors = folder / "bot-stderr.log"
            child = await start_bot("ours", config, watcher, errors)
            poster = Poster(url, SECRET, answering + 1)
            talkers = user_ids[:answering]
            try:
                await warm_up(poster, watcher, [*talkers, ADMIN_USER], answering)
                skip = len(errors.read_text(errors="replace"))  # stalls of the start-up are not the load's
                started = time.perf_counter()
                admin = asyncio.create_task(_admin(poster, started))
                answers = await paced(
                    poster, watcher, talkers, ("250", "quay lại"), every_seconds=5.0, duration=duration
                )
                await admin
                await asyncio.sleep(2.0)
                log = errors.read_text(errors="replace")[skip:]
                out = Path(__file__).parent / "results"
                out.mkdir(exist_ok=True)
                (out / "stalls-bot.log").write_text(log, encoding="utf-8")  # what the stalls were beside
            finally:
                await poster.close()
                await _stop(child)
    await watcher.close()
    stalls = sorted((float(ms) for ms in STALL.findall(log)), reverse=True)
    return {
        "stalls": stalls,
        "answers": answers,
        "admin_replies": watcher.arrived[str(ADMIN_USER)],
        "slow_statements": log.count("slow statement"),
    }


def run(
    communes: int = 100, villages: int = 20, answering: int = 50, duration: float = 60.0
) -> dict[str, Any]:
    measured = asyncio.run(_run(communes, villages, answering, duration))
    stalls, answers = measured["stalls"], measured["answers"]
    longest = stalls[0] if stalls else 0.0
    return {
        "name": "stalls",
        "units": (
            f"{communes} communes x {villages} villages, {communes * villages * HEADS_PER_VILLAGE} people: "
            "/tiendo of the province, an export and a broadcast to all, while 50 people answer"
        ),
        "longest_stall_ms": round(longest, 1),
        "ten_longest_ms": [round(ms, 1) for ms in stalls[:10]],
        "stalls_over_20ms": len(stalls),
        "answer_p50_ms": round(statistics.median(answers.latencies) * 1000, 1) if answers.latencies else None,
        "answer_p99_ms": round(answers.percentile(0.99) * 1000, 1),
        "answers": answers.answered,
        "failed_answers": answers.failed,
        "admin_replies": measured["admin_replies"],
        "slow_statements_over_20ms": measured["slow_statements"],
        "baseline_target_ms": TARGET_MS,
        "ratio_vs_target": round(longest / TARGET_MS, 2),
        "target": f"longest stall < {TARGET_MS:g} ms",
        "met": longest < TARGET_MS and answers.failed == 0,
    }


if __name__ == "__main__":
    import json
    import sys

    quick = "--quick" in sys.argv
    result = run(communes=20, villages=10, duration=40.0) if quick else run()
    print(json.dumps(result, indent=2, ensure_ascii=False))
