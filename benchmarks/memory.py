"""Resident memory of a bot worker with 10,000 registered people and 1,000 open sessions, against a bare
process that imports the same code and opens the same database (the baseline, measured in the same run).

Each measurement runs in its own child process so that one does not inherit the other's memory."""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

CHILD = "benchmarks.memory"


async def _seed(url: str, people: int, sessions: int) -> None:
    from cdht.conversations.inbound import Command, Text
    from cdht.handlers.wire import inbound_to_json
    from cdht.storage.database import Database

    database = Database(url)
    await database.upgrade()
    now = datetime(2025, 11, 20, 2, 0, tzinfo=UTC)
    async with database.uow() as uow:
        province = await uow.units.add("P", "Tỉnh", "province", None, now)
        commune = await uow.units.add("P-X", "Xã", "commune", province.id, now)
        for index in range(people):
            village = await uow.units.add(f"P-X-T{index:05d}", f"Thôn {index}", "village", commune.id, now)
            person = await uow.people.add(
                f"Người {index}", f"+8491{index:07d}", "village_head", village.id, now
            )
            await uow.people.link_identity(person.id, "console", f"u{index}", f"u{index}", now)
        for index in range(sessions):
            sender = {
                "channel": "console",
                "external_id": f"u{index}",
                "chat_id": f"u{index}",
                "display_name": "",
            }
            for step, event in enumerate((Command("start"), Text("250"), Text("1.000"))):
                payload = {"sender": sender, "event": inbound_to_json(event)}
                await uow.inbox.add(
                    "console", f"{index}-{step}", f"u{index}", payload, now + timedelta(seconds=step)
                )
        await uow.commit()
    await database.dispose()


async def _work(url: str, data_dir: str, process: bool) -> int:
    from cdht.bot.console.channel import CHANNEL, LocalFileFetcher, decode
    from cdht.handlers.context import Services
    from cdht.pipeline.inbox import process_batch
    from cdht.storage.database import Database
    from cdht.storage.folder_files import FolderFileStore

    database = Database(url)
    done = 0
    if process:
        services = Services(FolderFileStore(Path(data_dir)), LocalFileFetcher(), year=2025)
        clock = lambda: datetime(2025, 11, 20, 3, 0, tzinfo=UTC)  # noqa: E731
        while processed := await process_batch(database.batch_uow, {CHANNEL: decode}, services, clock):
            done += processed
    else:
        async with database.uow() as uow:
            done = len(await uow.people.all())
    await database.dispose()
    return done


def _peak_kb() -> int:
    """This process's own peak: VmHWM belongs to the memory map exec created. ru_maxrss is not enough on
    Linux: it keeps the high-water mark of the parent that forked us (a benchmark run grown to 370 MB made
    both children look 370 MB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(mode: str, url: str, data_dir: str) -> None:
    done = asyncio.run(_work(url, data_dir, mode == "bot"))
    print(json.dumps({"mode": mode, "done": done, "peak_rss_mb": round(_peak_kb() / 1024, 1)}))


def _measure(mode: str, url: str, data_dir: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, "-m", CHILD, mode, url, data_dir], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run(people: int = 10_000, sessions: int = 1_000) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'memory.sqlite3'}"
        asyncio.run(_seed(url, people, sessions))
        baseline = _measure("baseline", url, folder)
        bot = _measure("bot", url, folder)
    return {
        "name": "memory",
        "units": f"{people} registered people, {sessions} open sessions ({bot['done']} messages processed)",
        "bot_peak_rss_mb": bot["peak_rss_mb"],
        "baseline_peak_rss_mb": baseline["peak_rss_mb"],
        "ratio_vs_baseline": round(bot["peak_rss_mb"] / baseline["peak_rss_mb"], 2),
        "baseline": "same imports and database, no processing",
    }


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2], sys.argv[3])
