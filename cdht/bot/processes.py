"""Extra worker processes for `cdht run --workers N`: each is `cdht worker` sharing the PostgreSQL database."""

from __future__ import annotations

import subprocess
import sys


def start_worker_process() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "cdht", "worker"])


def stop_worker_processes(processes: list[subprocess.Popen[bytes]], timeout: float = 15.0) -> None:
    """SIGTERM lets each worker finish what it holds; a worker that does not stop in time is killed."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
