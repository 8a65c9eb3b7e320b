"""The inbound path: webhook HTTP -> inbox -> engine -> storage -> outbox -> the fake Bot API, against a bare
aiogram echo bot behind the same kind of aiohttp webhook server, driven by the same load generator.

Registered village heads each answer their first eight questions (valid answers: every one is parsed,
stored with its audit entry, and answered with the next question). Each bot runs in its own process; the
load generator and the fake Bot API share this one. Rounds alternate echo and ours so that a noisy moment
hurts both; the medians of the rounds are compared (ours / echo). A round is long enough (2,400 answers at
full size) that a garbage collection pause of either bot, a tenth of a second or more, is averaged in
rather than deciding the round: with 1,200 answers the echo bot's rate moved between 730 and 1,200 a
second from one round to the next."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from benchmarks.load import LoadResult, Poster, ReplyWatcher, closed_loop, paced, warm_up
from benchmarks.people import fresh_database, postgres_answers, seed_people
from tests.fakes.telegram_api import TOKEN

ANSWERS = ("250", "1.000", "850", "620", "160", "240", "6", "4")
SECRET = "bench-secret"  # noqa: S105 - the webhook secret of a throwaway local bot
TARGET = 0.4
OFFERED_PER_SECOND = 20.0  # at the production limits: people answering once every EVERY_SECONDS
EVERY_SECONDS = 5.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _stop(child: subprocess.Popen[bytes]) -> None:
    child.terminate()
    try:
        await asyncio.to_thread(child.wait, 20)
    except subprocess.TimeoutExpired:
        child.kill()
        await asyncio.to_thread(child.wait)


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _spawn(kind: str, config: dict[str, Any], errors: Path) -> subprocess.Popen[bytes]:
    with errors.open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "benchmarks.inbound_bots", kind, json.dumps(config)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def bot_config(
    folder: Path, api_base: str, database: dict[str, str | None], **settings: Any
) -> tuple[dict[str, Any], str]:
    """Settings for a bot in webhook mode on a free local port, and its webhook URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    config = {
        "data_dir": str(folder / "data"),
        "assessment_year": 2025,
        "telegram_token": TOKEN,
        "telegram_api_base": api_base,
        "telegram_webhook_url": url,
        "telegram_webhook_secret": SECRET,
        "telegram_webhook_host": "127.0.0.1",
        "telegram_webhook_port": port,
        **{key: value for key, value in database.items() if value is not None},
        **settings,
    }
    return config, url


async def start_bot(
    kind: str, config: dict[str, Any], watcher: ReplyWatcher, errors: Path
) -> subprocess.Popen[bytes]:
    """Spawn a bot process (its standard error into `errors`) and wait until it has set its webhook."""
    child = _spawn(kind, config, errors)
    deadline = time.monotonic() + 60
    while watcher.webhook is None:
        if child.poll() is not None or time.monotonic() > deadline:
            await _stop(child)
            said = await asyncio.to_thread(errors.read_text)
            raise RuntimeError(f"the {kind} bot did not start:\n{said[-2000:]}")
        await asyncio.sleep(0.05)
    return child


async def _round(
    kind: str,
    people: list[int],
    concurrency: int,
    folder: Path,
    database: dict[str, str | None],
    *,
    offered_seconds: float | None = None,
) -> LoadResult:
    """A closed loop as fast as the bot answers, with the send limits lifted; or with `offered_seconds`,
    the production limits and an offered load of OFFERED_PER_SECOND answers a second for that long."""
    watcher = ReplyWatcher()
    base = await watcher.start()
    lifted = (  # the echo bot has no limiter: measure the path, not the limits
        {"rate_global_per_second": 100_000.0, "rate_per_chat_per_second": 100_000.0}
        if offered_seconds is None
        else {}
    )
    config, url = bot_config(folder, base, database, **lifted)
    errors = folder / f"{kind}-stderr.log"
    poster = Poster(url, SECRET, concurrency)
    child: subprocess.Popen[bytes] | None = None
    try:
        child = await start_bot(kind, config, watcher, errors)
        await warm_up(poster, watcher, people, concurrency)
        scripts = {user_id: list(ANSWERS) for user_id in people}
        cpu = _cpu_seconds(child.pid)
        if offered_seconds is None:
            result = await closed_loop(
                poster, watcher, scripts, concurrency=concurrency, deadline_seconds=120
            )
        else:
            talkers = people[: int(OFFERED_PER_SECOND * EVERY_SECONDS)]
            result = await paced(
                poster, watcher, talkers, ANSWERS, every_seconds=EVERY_SECONDS, duration=offered_seconds
            )
        after = _cpu_seconds(child.pid)
        result.cpu_seconds = None if cpu is None or after is None else after - cpu
        return result
    finally:
        await poster.close()
        if child is not None:
            await _stop(child)
        await watcher.close()


async def _ours(
    kind: str, people: int, concurrency: int, folder: Path, offered_seconds: float | None = None
) -> LoadResult:
    async with fresh_database(kind, folder) as (database, location):
        user_ids, _ = await seed_people(database, people)
        if kind == "postgres":
            async with database.engine.begin() as connection:  # as autovacuum would have by now
                await connection.execute(text("ANALYZE"))
        return await _round("ours", user_ids, concurrency, folder, location, offered_seconds=offered_seconds)


async def _echo(
    people: int, concurrency: int, folder: Path, offered_seconds: float | None = None
) -> LoadResult:
    user_ids = [800_000 + index for index in range(people)]
    return await _round("echo", user_ids, concurrency, folder, {}, offered_seconds=offered_seconds)


def _median(results: list[LoadResult]) -> dict[str, Any]:
    summaries = [result.summary() for result in results]
    return {
        key: statistics.median(s[key] for s in summaries)
        if all(s[key] is not None for s in summaries)
        else None
        for key in ("answers_per_second", "p50_ms", "p99_ms", "cpu_ms_per_answer")
    } | {"failed": sum(s["failed"] for s in summaries)}


def run(
    people: int = 300, concurrency: int = 20, rounds: int = 5, offered_seconds: float = 60.0
) -> dict[str, Any]:
    async def main() -> dict[str, Any]:
        echo, sqlite, postgres = [], [], []
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            echo_at_limits = await _echo(people, concurrency, folder, offered_seconds)
            ours_at_limits = await _ours("sqlite", people, concurrency, folder, offered_seconds)
            with_postgres = await postgres_answers()
            for _ in range(rounds):
                echo.append(await _echo(people, concurrency, folder))
                sqlite.append(await _ours("sqlite", people, concurrency, folder))
                if with_postgres:
                    postgres.append(await _ours("postgres", people, concurrency, folder))
        baseline, ours = _median(echo), _median(sqlite)
        ratio = ours["answers_per_second"] / baseline["answers_per_second"]
        at_limits, echo_limits = ours_at_limits.summary(), echo_at_limits.summary()
        result: dict[str, Any] = {
            "name": "inbound",
            "units": (
                f"production limits, {OFFERED_PER_SECOND:g} answers/s offered for {offered_seconds:g} s; "
                f"then limits lifted: {people} people x {len(ANSWERS)} answers, {concurrency} at a time, "
                f"median of {rounds} rounds"
            ),
            "at_limits_cpu_ms_per_answer": at_limits["cpu_ms_per_answer"],
            "at_limits_echo_cpu_ms_per_answer": echo_limits["cpu_ms_per_answer"],
            "at_limits_cpu_ratio_vs_echo": (
                round(at_limits["cpu_ms_per_answer"] / echo_limits["cpu_ms_per_answer"], 2)
                if at_limits["cpu_ms_per_answer"] and echo_limits["cpu_ms_per_answer"]
                else None
            ),
            "at_limits_p50_ms": at_limits["p50_ms"],
            "at_limits_p99_ms": at_limits["p99_ms"],
            "at_limits_echo_p50_ms": echo_limits["p50_ms"],
            "at_limits_echo_p99_ms": echo_limits["p99_ms"],
            "at_limits_answers": at_limits["answered"],
            "sqlite_answers_per_second": ours["answers_per_second"],
            "sqlite_p50_ms": ours["p50_ms"],
            "sqlite_p99_ms": ours["p99_ms"],
            "sqlite_cpu_ms_per_answer": ours["cpu_ms_per_answer"],
            "echo_answers_per_second": baseline["answers_per_second"],
            "echo_p50_ms": baseline["p50_ms"],
            "echo_p99_ms": baseline["p99_ms"],
            "echo_cpu_ms_per_answer": baseline["cpu_ms_per_answer"],
            "ratio_sqlite_vs_echo": round(ratio, 2),
        }
        if postgres:
            theirs = _median(postgres)
            result |= {
                "postgres_answers_per_second": theirs["answers_per_second"],
                "postgres_p50_ms": theirs["p50_ms"],
                "postgres_p99_ms": theirs["p99_ms"],
                "postgres_cpu_ms_per_answer": theirs["cpu_ms_per_answer"],
                "ratio_postgres_vs_echo": round(
                    theirs["answers_per_second"] / baseline["answers_per_second"], 2
                ),
            }
        else:
            result["postgres"] = "skipped: no PostgreSQL at 127.0.0.1:5432"
        failed = sum(r.failed for r in [*echo, *sqlite, *postgres, ours_at_limits, echo_at_limits])
        result |= {"failed_requests": failed, "target": f"ratio >= {TARGET} on SQLite"}
        result["met"] = ratio >= TARGET and failed == 0
        return result

    return asyncio.run(main())
