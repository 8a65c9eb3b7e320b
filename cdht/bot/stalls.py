"""Watches the event loop: every time it was held longer than a threshold (100 ms by default), a warning
"event loop held" is logged with how long and where the loop's thread was meanwhile (the innermost frames of
the project's code, sampled by a watchdog thread), so an operator sees what every chat felt, and why."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
import traceback
import types

import structlog

log = structlog.get_logger(__name__)


class _Sampler(threading.Thread):
    """Notes where the loop's thread is whenever the loop has not ticked for `threshold` seconds."""

    def __init__(self, loop_thread: int, threshold: float) -> None:
        super().__init__(name="cdht-stall-sampler", daemon=True)
        self.loop_thread = loop_thread
        self.threshold = threshold
        self.heartbeat = time.perf_counter()
        self.seen: list[str] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.threshold / 2):
            if time.perf_counter() - self.heartbeat > self.threshold and not self.seen:
                frame = sys._current_frames().get(self.loop_thread)
                if frame is not None:
                    self.seen = _where(frame)


def _where(frame: types.FrameType) -> list[str]:
    """The innermost frame of our code, and the four nearest it that are not storage internals."""
    ours = [
        f"{entry.filename.rsplit('/cdht/', 1)[-1]}:{entry.lineno} {entry.name}"
        for entry in traceback.extract_stack(frame)
        if "/cdht/" in entry.filename
    ]
    outside = [line for line in ours[:-1] if not line.startswith("storage/")]
    return outside[-4:] + ours[-1:]


async def watch_stalls(stop: asyncio.Event, *, threshold: float = 0.1, interval: float = 0.02) -> None:
    sampler = _Sampler(threading.get_ident(), threshold)
    sampler.start()
    try:
        while not stop.is_set():
            started = time.perf_counter()
            sampler.heartbeat = started
            await asyncio.sleep(interval)
            late = time.perf_counter() - started - interval
            if late > threshold:
                log.warning(
                    "event loop held", ms=round(late * 1000, 1), where=" < ".join(reversed(sampler.seen))
                )
            sampler.seen = []
    finally:
        sampler.stopped.set()
