"""Reply latency during a broadcast, at the production send limits (25 messages/s overall, 1/s per chat).

10,000 registered village heads; the bot (`cdht run` in webhook mode, its own process) sends through the
fake Bot API, which enforces Telegram's 30 messages/s. Fifty people answer their questionnaire, each once
every five seconds and only after the reply to their previous answer arrived (10 answers a second in all):
first with nothing else going on (the baseline, same run), then while a broadcast to all 10,000 is being
sent. The broadcast is recorded as `/thongbao` records it (its first page queued); the bot queues the rest.

Measured: the p99 of the replies' latency (from the webhook POST to the reply's arrival at the fake) before
and during the broadcast, and the broadcast's own delivery rate during the answering against the rate left
to it (the global limit less the replies' messages a second)."""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.inbound import SECRET, _stop, bot_config, start_bot
from benchmarks.load import LoadResult, Poster, ReplyWatcher, paced, warm_up
from benchmarks.people import fresh_database, seed_people
from cdht.handlers.officer import broadcast

LIMIT = 25.0  # the bot's default global rate
ANSWERS = (
    "250",
    "quay lại",
)  # answer the first question, go back to it: one reply each, for as long as needed
TEXT = "Họp giao ban trực tuyến lúc 14:00 thứ Sáu."
EVERY_SECONDS = 5.0
P99_TARGET_MS = 1000.0
P99_RATIO_TARGET = 3.0
BULK_TARGET = 0.9


class BroadcastWatcher(ReplyWatcher):
    """Counts replies apart from the broadcast: a broadcast message is not the answer anyone waits for."""

    def __init__(self) -> None:
        super().__init__(rate_per_second=30.0)
        self.bulk_times: list[float] = []
        self.reply_times: list[float] = []
        self.bulk_started = asyncio.Event()

    async def _m_sendMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if TEXT in str(params.get("text")):
            self.bulk_times.append(time.perf_counter())
            self.bulk_started.set()
            return await super(ReplyWatcher, self)._m_sendMessage(params, files)
        self.reply_times.append(time.perf_counter())
        return await super()._m_sendMessage(params, files)


def _between(times: list[float], start: float, end: float) -> int:
    return sum(1 for t in times if start <= t <= end)


async def _run(people: int, answering: int, before: float, during: float) -> dict[str, Any]:
    watcher = BroadcastWatcher()
    base = await watcher.start()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        async with fresh_database("sqlite", folder) as (database, location):
            user_ids, admin_id = await seed_people(database, people)
            config, url = bot_config(folder, base, location)
            # the send limits stay at their defaults: what production runs with
            errors = folder / "bot-stderr.log"
            child = await start_bot("ours", config, watcher, errors)
            poster = Poster(url, SECRET, answering)
            talkers = user_ids[:answering]
            try:
                await warm_up(poster, watcher, talkers, answering)
                quiet = await paced(
                    poster, watcher, talkers, ANSWERS, every_seconds=EVERY_SECONDS, duration=before
                )
                async with database.uow() as uow:
                    author = await uow.people.get(admin_id)
                    assert author is not None
                    flow = {"text": TEXT, "role": "village_head", "unit": "BP", "unfinished": False}
                    await broadcast.send(uow, author, flow, datetime.now(UTC), 2025)
                    await uow.commit()
                await asyncio.wait_for(watcher.bulk_started.wait(), 60)
                started = time.perf_counter()
                busy = await paced(
                    poster, watcher, talkers, ANSWERS, every_seconds=EVERY_SECONDS, duration=during
                )
                ended = time.perf_counter()
            finally:
                await poster.close()
                await _stop(child)
    await watcher.close()
    window = ended - started
    bulk_rate = _between(watcher.bulk_times, started, ended) / window
    reply_rate = _between(watcher.reply_times, started, ended) / window
    return {
        "quiet": quiet,
        "busy": busy,
        "bulk_rate": bulk_rate,
        "reply_rate": reply_rate,
        "bulk_delivered": len(watcher.bulk_times),
        "refused_429": watcher.refused,
    }


def _p99_ms(result: LoadResult) -> float:
    return round(result.percentile(0.99) * 1000, 1)


def run(
    people: int = 10_000, answering: int = 50, before: float = 30.0, during: float = 60.0
) -> dict[str, Any]:
    measured = asyncio.run(_run(people, answering, before, during))
    quiet, busy = measured["quiet"], measured["busy"]
    p99_quiet, p99_busy = _p99_ms(quiet), _p99_ms(busy)
    left = LIMIT - measured["reply_rate"]
    bulk_ratio = measured["bulk_rate"] / left if left > 0 else 0.0
    ratio = p99_busy / p99_quiet if p99_quiet else float("inf")
    failed = quiet.failed + busy.failed
    return {
        "name": "replies",
        "units": (
            f"{answering} people answering once every {EVERY_SECONDS:g} s while a broadcast to {people} "
            f"is sent at the production limit ({LIMIT:g}/s)"
        ),
        "p99_during_broadcast_ms": p99_busy,
        "p50_during_broadcast_ms": round(busy.percentile(0.5) * 1000, 1),
        "p99_before_broadcast_ms": p99_quiet,
        "p50_before_broadcast_ms": round(quiet.percentile(0.5) * 1000, 1),
        "ratio_p99_during_vs_before": round(ratio, 2),
        "answers_during": busy.answered,
        "answers_before": quiet.answered,
        "failed_answers": failed,
        "broadcast_per_second": round(measured["bulk_rate"], 2),
        "reply_messages_per_second": round(measured["reply_rate"], 2),
        "rate_left_to_broadcast": round(left, 2),
        "ratio_broadcast_vs_rate_left": round(bulk_ratio, 3),
        "429_answered": measured["refused_429"],
        "target": (
            f"p99 < {P99_TARGET_MS:g} ms and within {P99_RATIO_TARGET:g}x of before; "
            f"broadcast >= {BULK_TARGET} of the rate left"
        ),
        "met": (
            p99_busy < P99_TARGET_MS
            and ratio <= P99_RATIO_TARGET
            and bulk_ratio >= BULK_TARGET
            and failed == 0
        ),
    }


if __name__ == "__main__":
    import json
    import sys

    quick = "--quick" in sys.argv
    print(
        json.dumps(run(people=1_000, before=10, during=20) if quick else run(), indent=2, ensure_ascii=False)
    )
