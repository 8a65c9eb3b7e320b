"""Start-up of the command line and of the bot, as an administrator meets it: whole processes, timed from
outside, against yardsticks measured in the same run and interleaved with them (A B A B ...), because these
machines' speed drifts.

    baseline   python -c "import typer, sqlalchemy"    what any command of ours must pay
    aiogram    python -c "import aiogram"               what the Telegram channel must pay
    help       cdht --help                              target: <= 2 x baseline
    score      cdht score DEMO-SH-X1 --json             on the demo district in SQLite; target: <= 4 x baseline
    run        cdht run, from its start to its first getUpdates on a fake Telegram Bot API (real HTTP on
               127.0.0.1); target: within 2 s of `import aiogram`

Each figure is the median of `runs` runs, after one run that is not counted (it writes the bytecode caches
and, for `cdht run`, upgrades the database)."""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.fakes.telegram_api import TOKEN, FakeTelegramAPI

DEMO_UNIT = "DEMO-SH-X1"
YEAR = "2025"
CDHT = [sys.executable, "-m", "cdht"]


def _environment(folder: Path, **settings: str) -> dict[str, str]:
    """The parent's environment without its CDHT_ settings, plus these (names without the prefix)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CDHT_")}
    return (
        env | {"CDHT_DATA_DIR": str(folder / "data")} | {f"CDHT_{k.upper()}": v for k, v in settings.items()}
    )


def _timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


async def _until_first_poll(api: FakeTelegramAPI, env: dict[str, str], folder: Path) -> float:
    """Seconds from starting `cdht run` to its first getUpdates reaching the fake API; then stop it."""
    api.calls.clear()
    with (folder / "run.log").open("ab") as log:
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *CDHT, "run", env=env, stdout=log, stderr=log, start_new_session=True
        )
        try:
            while not any(call.method == "getUpdates" for call in api.calls):
                if process.returncode is not None:
                    raise RuntimeError(f"`cdht run` ended ({process.returncode}) before polling: see run.log")
                if time.perf_counter() - started > 120:
                    raise RuntimeError("`cdht run` did not poll within 120 s")
                await asyncio.sleep(0.005)
            elapsed = time.perf_counter() - started
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            await api.end_polls()
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                os.killpg(process.pid, signal.SIGKILL)
                await process.wait()
    return elapsed


async def _measure(runs: int, folder: Path) -> dict[str, list[float]]:
    plain = _environment(folder)
    baseline = [sys.executable, "-c", "import typer, sqlalchemy"]
    aiogram = [sys.executable, "-c", "import aiogram"]
    help_ = [*CDHT, "--help"]
    score = [*CDHT, "score", DEMO_UNIT, "--year", YEAR, "--json"]
    await asyncio.to_thread(_timed, [*CDHT, "seed-demo"], plain)
    api = FakeTelegramAPI(TOKEN)
    base_url = await api.start()
    bot = _environment(folder, telegram_token=TOKEN, telegram_api_base=base_url, assessment_year=YEAR)
    times: dict[str, list[float]] = {"baseline": [], "aiogram": [], "help": [], "score": [], "run": []}
    try:
        for round_ in range(runs + 1):  # the first round warms the caches and is not counted
            measured = {
                "baseline": await asyncio.to_thread(_timed, baseline, plain),
                "help": await asyncio.to_thread(_timed, help_, plain),
                "score": await asyncio.to_thread(_timed, score, plain),
                "aiogram": await asyncio.to_thread(_timed, aiogram, plain),
                "run": await _until_first_poll(api, bot, folder),
            }
            if round_:
                for name, seconds in measured.items():
                    times[name].append(seconds)
    finally:
        await api.close()
    return times


def run(runs: int = 7) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        times = asyncio.run(_measure(runs, Path(folder)))
    median = {name: statistics.median(values) for name, values in times.items()}
    help_ratio = median["help"] / median["baseline"]
    score_ratio = median["score"] / median["baseline"]
    run_over = median["run"] - median["aiogram"]
    return {
        "name": "startup",
        "units": f"median of {runs} runs, seconds (whole processes, started from outside)",
        "baseline_import_typer_sqlalchemy_s": round(median["baseline"], 3),
        "import_aiogram_s": round(median["aiogram"], 3),
        "help_s": round(median["help"], 3),
        "score_json_s": round(median["score"], 3),
        "run_to_first_poll_s": round(median["run"], 3),
        "ratio_help_vs_baseline": round(help_ratio, 2),
        "ratio_score_vs_baseline": round(score_ratio, 2),
        "run_minus_aiogram_s": round(run_over, 2),
        "spread_score_s": [round(min(times["score"]), 3), round(max(times["score"]), 3)],
        "spread_run_s": [round(min(times["run"]), 3), round(max(times["run"]), 3)],
        "target": "help <= 2x, score <= 4x baseline; run <= import aiogram + 2 s",
        "met": help_ratio <= 2 and score_ratio <= 4 and run_over <= 2,
    }


if __name__ == "__main__":
    for key, value in run(runs=int(sys.argv[1]) if len(sys.argv) > 1 else 7).items():
        print(f"{key:<36} {value}")
