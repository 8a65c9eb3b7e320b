"""`cdht` processes for the scale and crash tests: the real command line, pointed at the fake Bot API and at
a test database through the environment (CDHT_*), each writing its log to a file."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from tests.fakes.telegram_api import TOKEN


def cdht_environment(folder: Path, api_base: str, **settings: str) -> dict[str, str]:
    """The parent's environment without its CDHT_ settings, plus these (names without the prefix)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CDHT_")}
    base = {
        "telegram_token": TOKEN,
        "telegram_api_base": api_base,
        "data_dir": str(folder / "data"),
        "assessment_year": "2025",
        "rate_global_per_second": "2000",
        "rate_per_chat_per_second": "1000",
    }
    return env | {f"CDHT_{key.upper()}": value for key, value in (base | settings).items()}


class CdhtProcess:
    def __init__(self, args: list[str], env: dict[str, str], folder: Path, name: str) -> None:
        self.log = folder / f"{name}.log"
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 - this interpreter running cdht
                [sys.executable, "-m", "cdht", *args],
                env=env,
                cwd=folder,  # no stray .env file is read
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: `cdht run` and the workers it starts
            )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, no chance to finish anything: a crash."""
        self.process.kill()
        self.process.wait()

    async def stop(self, seconds: float = 20.0) -> None:
        """SIGTERM and wait (the fake Bot API keeps answering meanwhile); the group is killed if it hangs."""
        if self.alive:
            self.process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(self.process.wait, seconds)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # children left behind by a failed run, if any
        if self.alive:
            self.process.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


async def wait_for(
    condition: Callable[[], Awaitable[bool]], *, seconds: float, processes: list[CdhtProcess], what: str
) -> None:
    deadline = time.monotonic() + seconds
    while not await condition():
        for process in processes:
            assert process.alive, f"{process.log.name} died:\n{process.output()}"
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.log.name}\n{p.output()}" for p in processes)
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        await asyncio.sleep(0.1)
