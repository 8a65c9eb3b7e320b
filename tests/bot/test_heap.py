"""What a bot process loads at start is frozen out of the garbage collector's full collections."""

from __future__ import annotations

import gc
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from cdht.bot.heap import freeze_startup_heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def _full_collection_seconds() -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        gc.collect()
        best = min(best, time.perf_counter() - start)
    return best


def test_a_full_collection_skips_what_was_loaded_at_start(unfrozen: None) -> None:
    before = _full_collection_seconds()
    frozen = freeze_startup_heap()
    after = _full_collection_seconds()
    assert frozen > 50_000  # the test process has loaded cdht, aiogram, SQLAlchemy, ...
    assert gc.get_freeze_count() == frozen
    assert after < before / 2  # the frozen objects are not walked again


def test_the_receiving_process_freezes_its_channels_and_renderers_before_load() -> None:
    """aiogram and the chart/document libraries are loaded before the heap is frozen: imported later, under
    load, their import would hold every chat and their objects be walked by each full collection (the stall
    benchmark's longest stall went from about 130 ms to 270 ms when they were imported after freezing)."""
    script = (
        "import gc, sys\n"
        "from cdht.bot.heap import freeze_startup_heap\n"
        "from cdht.config import Settings\n"
        "import cdht.cli.running as running, inspect\n"
        "source = inspect.getsource(running.run_channels)\n"
        "assert source.index('configured_channels(application)') < source.index('freeze_startup_heap(')\n"
        "assert source.index('http_server(application, channels)') < source.index('freeze_startup_heap(')\n"
        "freeze_startup_heap(renderers=True)\n"
        "assert {'matplotlib', 'docx', 'xlsxwriter'} <= set(sys.modules), 'renderers not loaded'\n"
        "worker_frozen = gc.get_freeze_count()\n"
        "print(worker_frozen)\n"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 50_000
