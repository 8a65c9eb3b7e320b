"""WAL checkpoints in a thread of their own.

SQLite copies its write-ahead log back into the database file (a checkpoint) on the commit that makes the
log pass 1,000 pages. With `sqlite_inline` that commit runs on the event loop's thread, and while a broadcast
is being queued the copy took 150 to 300 ms: every chat waited. A bot process turns the automatic
checkpoint off for its connections and runs a passive one here every second instead (a passive checkpoint
never waits for readers or writers; what it cannot copy yet, the next one does)."""

from __future__ import annotations

import sqlite3
import threading

import structlog

log = structlog.get_logger(__name__)


class Checkpoints(threading.Thread):
    def __init__(self, path: str, every_seconds: float = 1.0) -> None:
        super().__init__(name="cdht-wal-checkpoints", daemon=True)
        self._path = path
        self._every = every_seconds
        self._stopping = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self._path, check_same_thread=False)
        try:
            while not self._stopping.wait(self._every):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    log.warning("WAL checkpoint failed; trying again", exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopping.set()
        self.join(5)
