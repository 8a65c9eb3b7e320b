"""The Mini App's biggest page, what an officer waits for and what it costs everyone else.

A province of 120 communes x 10 villages, every question answered, five registered village heads a village
(the seeding of `benchmarks.stalls`); the bot (`cdht run`: webhook, the HTTP server of `cdht.bot.serving`
with the Mini App on, production send limits) in its own process, the fake Bot API in this one. The province
admin signs in as the Mini App does (signed initData -> POST /app/session -> cookie).

Measured, as the officer and the village heads feel it:
- the wall time of GET /app/progress (the province's grid) over repeated loads, against the same province's
  `/tiendo` in chat: `progress_report.area_progress` run through the same thread reads (`App.reads`) as the
  jobs runner runs it, in this process, loads interleaved so that a noisy moment hurts both;
- the bot's longest event-loop stall (its own watchdog, `CDHT_SLOW_MS=20`) while the admin loads the page
  back to back and fifty village heads answer once every five seconds, with a broadcast to every village head
  of the province going out on the bulk lane through both phases (as `benchmarks.replies` starts one);
  target at most 100 ms;
- those village heads' reply latency with the page loads, against the same without them (target: p99 under
  a second, as `benchmarks.replies`; the ratio is reported, not judged: without the page the p99 is a few
  tens of milliseconds, and a few more of them triple it)."""

from __future__ import annotations

import asyncio
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.inbound import SECRET, _free_port, _stop, bot_config, start_bot
from benchmarks.load import LoadResult, Poster, paced, warm_up
from benchmarks.people import fresh_database
from benchmarks.replies import TEXT as BROADCAST_TEXT
from benchmarks.replies import BroadcastWatcher
from benchmarks.stalls import ADMIN_USER, HEADS_PER_VILLAGE, STALL
from benchmarks.stalls import _seed as seed_province
from cdht.bot.composition import open_app
from cdht.config import Settings
from cdht.handlers.officer import broadcast
from cdht.handlers.officer.progress_grid import progress_grid
from cdht.handlers.officer.progress_report import area_progress
from tests.bot.web.miniapp_harness import Browser
from tests.fakes.telegram_api import TOKEN
from tests.fakes.telegram_web_app import sign_init_data

PUBLIC_URL = "https://cdht.bench"
MINIAPP_SECRET = "bench-miniapp-secret-0123456789abcdef"  # noqa: S105 - a throwaway local bot's
YEAR = 2025
ADMIN_PHONE = "+84900999999"  # the province admin `benchmarks.stalls` seeds
ANSWERS = ("250", "quay lại")  # answer the first question, go back to it: one reply each
EVERY_SECONDS = 5.0
STALL_TARGET_MS = 100.0
P99_TARGET_MS = 1000.0  # as in benchmarks.replies
WHERE = re.compile(r"event loop held\s+ms=([\d.]+)\s+where=(.*)")


async def _signed_in(http: aiohttp.ClientSession, base: str) -> Browser:
    browser = Browser(base, http)
    user = {"id": ADMIN_USER, "first_name": "Quản trị", "language_code": "vi"}
    init_data = sign_init_data(TOKEN, user, auth_date=int(time.time()))
    status, body, _ = await browser.post("/app/session", {"init_data": init_data})
    if status != 200 or not browser.cookie:
        raise RuntimeError(f"the province admin could not sign in: {status} {body[:300]}")
    return browser


async def _load_page(browser: Browser) -> tuple[float, int]:
    """Seconds and bytes; bytes -1 when the page failed (its status in `browser.last`)."""
    started = time.perf_counter()
    status, html, _ = await browser.get("/app/progress")
    seconds = time.perf_counter() - started
    if status != 200:
        browser.last.setdefault("failures", []).append(status)
        return seconds, -1
    return seconds, len(html.encode())


async def _page_and_chat_reads(
    browser: Browser, config: dict[str, Any], database: Any, loads: int
) -> dict[str, Any]:
    """`loads` page loads, each followed by the province's `/tiendo` read and the page's own grid read, both
    through `App.reads` in this process while the bot is idle."""
    settings = Settings(_env_file=None, **(config | {"slow_ms": 10_000.0}))  # the bot's log says enough
    async with database.uow() as uow:
        province = await uow.units.by_code("BP")
        admin = await uow.people.by_identity("telegram", str(ADMIN_USER))
    assert province is not None and admin is not None
    today, validity = date.today(), settings.recognition_validity
    page, tiendo, grid, size = [], [], [], 0
    async with open_app(settings) as application:
        reads = application.reads
        assert reads is not None

        async def timed(work: Any) -> float:
            started = time.perf_counter()
            await reads.run(work)
            return time.perf_counter() - started

        def chat(uow: Any) -> Any:
            return area_progress(uow, province, YEAR, today, validity, miniapp=True)

        def grid_read(uow: Any) -> Any:
            return progress_grid(uow, admin, province, YEAR, today, validity)

        await timed(chat)  # the thread's own connection and caches, as a running bot has them
        await timed(grid_read)
        await _load_page(browser)  # templates compiled, the bot's reads thread started
        for _ in range(loads):
            seconds, size = await _load_page(browser)
            if size < 0:
                raise RuntimeError(f"GET /app/progress failed: {browser.last['failures']}")
            page.append(seconds)
            tiendo.append(await timed(chat))
            grid.append(await timed(grid_read))
    return {"page": page, "tiendo": tiendo, "grid": grid, "page_bytes": size}


async def _page_loop(browser: Browser, stop: asyncio.Event) -> list[float]:
    """The admin reloading the province's page as soon as the previous load arrived, until `stop`."""
    times = []
    while not stop.is_set():
        seconds, size = await _load_page(browser)
        if size >= 0:
            times.append(seconds)
    return times


def _stalls(log: str) -> list[tuple[float, str]]:
    found = [(float(ms), where.strip().strip("'")) for ms, where in WHERE.findall(log)]
    if not found:  # a format without `where`
        found = [(float(ms), "") for ms in STALL.findall(log)]
    return sorted(found, reverse=True)


async def _broadcast_to_every_village_head(database: Any) -> None:
    """As `/thongbao` records it (its first page queued); the bot queues the rest and sends it on the bulk lane
    for longer than both phases last (6,000 people at what the replies leave of 25 a second)."""
    async with database.uow() as uow:
        author = await uow.people.by_phone(ADMIN_PHONE)
        assert author is not None
        flow = {"text": BROADCAST_TEXT, "role": "village_head", "unit": "BP", "unfinished": False}
        await broadcast.send(uow, author, flow, datetime.now(UTC), YEAR)
        await uow.commit()


async def _run(communes: int, villages: int, answering: int, loads: int, duration: float) -> dict[str, Any]:
    watcher = BroadcastWatcher()
    api_base = await watcher.start()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        async with fresh_database("sqlite", folder) as (database, location):
            user_ids = await seed_province(database, communes, villages)
            http_port = _free_port()
            config, url = bot_config(
                folder,
                api_base,
                location,
                slow_ms=20.0,
                public_url=PUBLIC_URL,
                http_host="127.0.0.1",
                http_port=http_port,
                miniapp_secret=MINIAPP_SECRET,
            )  # the send limits stay at their defaults: what production runs with
            errors = folder / "bot-stderr.log"
            child = await start_bot("ours", config, watcher, errors)
            poster = Poster(url, SECRET, answering + 1)
            talkers = user_ids[:answering]
            try:
                async with aiohttp.ClientSession() as http:
                    await warm_up(poster, watcher, [*talkers, ADMIN_USER], answering)
                    browser = await _signed_in(http, f"http://127.0.0.1:{http_port}")
                    reads = await _page_and_chat_reads(browser, config, database, loads)
                    await _broadcast_to_every_village_head(database)
                    await asyncio.wait_for(watcher.bulk_started.wait(), 60)
                    mark = len(errors.read_text(errors="replace"))
                    quiet = await paced(
                        poster, watcher, talkers, ANSWERS, every_seconds=EVERY_SECONDS, duration=duration
                    )
                    await asyncio.sleep(1.0)
                    log = errors.read_text(errors="replace")
                    quiet_log, mark = log[mark:], len(log)
                    stop = asyncio.Event()
                    loop = asyncio.create_task(_page_loop(browser, stop))
                    busy = await paced(
                        poster, watcher, talkers, ANSWERS, every_seconds=EVERY_SECONDS, duration=duration
                    )
                    stop.set()
                    busy_pages = await loop
                    await asyncio.sleep(1.0)
                    busy_log = errors.read_text(errors="replace")[mark:]
            finally:
                await poster.close()
                await _stop(child)
                out = Path(__file__).parent / "results"
                out.mkdir(exist_ok=True)  # what the stalls were beside, and any page's error
                (out / "miniapp-bot.log").write_text(errors.read_text(errors="replace"), encoding="utf-8")
    await watcher.close()
    return reads | {
        "failed_pages": len(browser.last.get("failures", [])),
        "quiet": quiet,
        "busy": busy,
        "busy_pages": busy_pages,
        "quiet_stalls": _stalls(quiet_log),
        "busy_stalls": _stalls(busy_log),
        "broadcast_delivered": len(watcher.bulk_times),
    }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _p(result: LoadResult, share: float) -> float:
    return _ms(result.percentile(share))


def run(
    communes: int = 120,
    villages: int = 10,
    answering: int = 50,
    loads: int = 20,
    duration: float = 45.0,
) -> dict[str, Any]:
    m = asyncio.run(_run(communes, villages, answering, loads, duration))
    page, tiendo = statistics.median(m["page"]), statistics.median(m["tiendo"])
    quiet, busy = m["quiet"], m["busy"]
    busy_stalls, quiet_stalls = m["busy_stalls"], m["quiet_stalls"]
    longest = busy_stalls[0][0] if busy_stalls else 0.0
    p99_quiet, p99_busy = _p(quiet, 0.99), _p(busy, 0.99)
    p99_ratio = p99_busy / p99_quiet if p99_quiet else float("inf")
    failed = quiet.failed + busy.failed
    return {
        "name": "miniapp",
        "units": (
            f"{communes} communes x {villages} villages, {communes * villages * HEADS_PER_VILLAGE} people: "
            f"GET /app/progress of the province ({loads} loads) vs its /tiendo read; then {answering} people "
            f"answering once every {EVERY_SECONDS:g} s for {duration:g} s without, then with, the page "
            "reloaded back to back; a broadcast to every village head going out all the while"
        ),
        "page_median_ms": _ms(page),
        "page_p95_ms": _ms(_p95(m["page"])),
        "page_kb": round(m["page_bytes"] / 1024, 1),
        "grid_read_median_ms": _ms(statistics.median(m["grid"])),
        "baseline_tiendo_read_median_ms": _ms(tiendo),
        "tiendo_read_p95_ms": _ms(_p95(m["tiendo"])),
        "ratio_page_vs_tiendo": round(page / tiendo, 2),
        "pages_during_answers": len(m["busy_pages"]),
        "page_during_answers_median_ms": _ms(statistics.median(m["busy_pages"])) if m["busy_pages"] else None,
        "page_during_answers_p95_ms": _ms(_p95(m["busy_pages"])) if m["busy_pages"] else None,
        "longest_stall_ms": round(longest, 1),
        "longest_stall_where": busy_stalls[0][1] if busy_stalls else "",
        "ten_longest_stalls_ms": [round(ms, 1) for ms, _ in busy_stalls[:10]],
        "stalls_over_20ms": len(busy_stalls),
        "longest_stall_without_page_ms": round(quiet_stalls[0][0], 1) if quiet_stalls else 0.0,
        "stalls_over_20ms_without_page": len(quiet_stalls),
        "reply_p50_with_page_ms": _p(busy, 0.5),
        "reply_p99_with_page_ms": p99_busy,
        "reply_p50_without_page_ms": _p(quiet, 0.5),
        "reply_p99_without_page_ms": p99_quiet,
        "ratio_reply_p99_with_vs_without_page": round(p99_ratio, 2),
        "answers": quiet.answered + busy.answered,
        "failed_answers": failed,
        "failed_pages": m["failed_pages"],
        "broadcast_delivered": m["broadcast_delivered"],
        "target": (
            f"longest stall <= {STALL_TARGET_MS:g} ms while the page loads; "
            f"reply p99 with the page < {P99_TARGET_MS:g} ms; no failed answer or page"
        ),
        "met": (
            longest <= STALL_TARGET_MS and p99_busy < P99_TARGET_MS and failed == 0 and m["failed_pages"] == 0
        ),
    }


if __name__ == "__main__":
    import json
    import sys

    quick = "--quick" in sys.argv
    result = run(communes=10, villages=5, loads=5, duration=15.0) if quick else run()
    print(json.dumps(result, indent=2, ensure_ascii=False))
