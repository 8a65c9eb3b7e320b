"""The file store in the database (`CDHT_FILE_STORE=database`): every worker on one PostgreSQL reaches every
file, and a backup of the database holds them. A file is one `stored_files` row, keyed by its content's
sha256 (stored once, as in the folder), and its bytes in `stored_file_chunks` rows of `CHUNK_BYTES`, written in
the same transaction (a reader never sees half a file). Plain rows, so SQLite and PostgreSQL alike.

The calls block, as the folder's do, and are made from worker threads. Each runs on the store's own thread
and event loop with an engine of its own (as `off_loop.ThreadReads` does for long reads), so a 20 MB read
never holds the bot's loop or its connections."""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from cdht.handlers.ports import MissingFile
from cdht.handlers.ports.files import check_sha256
from cdht.storage.tables import StoredFile, StoredFileChunk, table_of

T = TypeVar("T")

CHUNK_BYTES = 1024 * 1024
PRUNE_BATCH = 100  # files per transaction when pruning
FILES = table_of(StoredFile)
CHUNKS = table_of(StoredFileChunk)


def utc_now() -> datetime:
    return datetime.now(UTC)


class DatabaseFileStore:
    def __init__(
        self,
        make_engine: Callable[[], AsyncEngine],
        *,
        chunk_bytes: int = CHUNK_BYTES,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """`make_engine()` builds the store's engine; it is called on the store's thread, on its loop."""
        self._make_engine = make_engine
        self._chunk = chunk_bytes
        self._clock = clock
        self._engine: AsyncEngine | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    # ---- the port ----------------------------------------------------------------------------------
    def put_bytes(self, content: bytes, *, export: bool = False) -> str:
        digest = hashlib.sha256(content).hexdigest()
        self._call(lambda engine: self._put(engine, digest, content, export))
        return digest

    def read_bytes(self, sha256: str) -> bytes:
        check_sha256(sha256)
        return self._call(lambda engine: self._read(engine, sha256))

    def exists(self, sha256: str) -> bool:
        check_sha256(sha256)
        return self._call(lambda engine: self._exists(engine, sha256))

    def count_exports(self, before: datetime) -> int:
        return self._call(lambda engine: self._count_exports(engine, before))

    def prune_exports(self, before: datetime) -> int:
        return self._call(lambda engine: self._prune_exports(engine, before))

    def close(self) -> None:
        """Dispose of the engine and end the thread (blocks; from the bot's loop via `asyncio.to_thread`)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if self._engine is not None:
            asyncio.run_coroutine_threadsafe(self._engine.dispose(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._loop = self._thread = self._engine = None

    # ---- the work, on the store's loop ---------------------------------------------------------------
    async def _put(self, engine: AsyncEngine, digest: str, content: bytes, export: bool) -> None:
        for attempt in range(2):
            try:
                async with engine.begin() as connection:
                    await self._put_once(connection, digest, content, export)
                return
            except IntegrityError:  # another worker stored the same content meanwhile: it is there now
                if attempt:
                    raise

    async def _put_once(self, connection: AsyncConnection, digest: str, content: bytes, export: bool) -> None:
        now = self._clock()
        known = (await connection.execute(select(FILES.c.export).where(FILES.c.sha256 == digest))).first()
        if known is not None:
            if not (export or known.export):
                return
            # An export's period starts again; a kept file is kept from now on. No row changed: a prune
            # dropped it meanwhile, and it is stored again below.
            changed = await connection.execute(
                update(FILES)
                .where(FILES.c.sha256 == digest)
                .values(export=bool(known.export and export), stored_at=now)
            )
            if changed.rowcount:
                return
        pieces = [content[start : start + self._chunk] for start in range(0, len(content), self._chunk)]
        await connection.execute(
            insert(FILES).values(
                sha256=digest, size=len(content), chunks=len(pieces), export=export, stored_at=now
            )
        )
        if pieces:
            await connection.execute(
                insert(CHUNKS),
                [{"sha256": digest, "seq": seq, "data": piece} for seq, piece in enumerate(pieces)],
            )

    async def _read(self, engine: AsyncEngine, sha256: str) -> bytes:
        async with engine.connect() as connection:
            head = (
                await connection.execute(select(FILES.c.size, FILES.c.chunks).where(FILES.c.sha256 == sha256))
            ).first()
            if head is None:
                raise MissingFile(sha256)
            pieces = (
                await connection.execute(
                    select(CHUNKS.c.data).where(CHUNKS.c.sha256 == sha256).order_by(CHUNKS.c.seq)
                )
            ).scalars()
            content = b"".join(bytes(piece) for piece in pieces)
        if len(content) != head.size:
            raise MissingFile(f"{sha256}: {len(content)} of {head.size} bytes stored")
        return content

    async def _exists(self, engine: AsyncEngine, sha256: str) -> bool:
        async with engine.connect() as connection:
            return (
                await connection.scalar(select(FILES.c.sha256).where(FILES.c.sha256 == sha256))
            ) is not None

    async def _count_exports(self, engine: AsyncEngine, before: datetime) -> int:
        async with engine.connect() as connection:
            found = await connection.scalar(
                select(func.count()).select_from(FILES).where(FILES.c.export, FILES.c.stored_at < before)
            )
        return int(found or 0)

    async def _prune_exports(self, engine: AsyncEngine, before: datetime) -> int:
        deleted = 0
        while True:
            async with engine.begin() as connection:
                old = list(
                    (
                        await connection.execute(
                            select(FILES.c.sha256)
                            .where(FILES.c.export, FILES.c.stored_at < before)
                            .limit(PRUNE_BATCH)
                            .with_for_update()
                        )
                    ).scalars()
                )
                if old:
                    await connection.execute(delete(CHUNKS).where(CHUNKS.c.sha256.in_(old)))
                    await connection.execute(
                        delete(FILES).where(
                            FILES.c.sha256.in_(old), FILES.c.export, FILES.c.stored_at < before
                        )
                    )
            deleted += len(old)
            if len(old) < PRUNE_BATCH:
                return deleted

    # ---- the thread ------------------------------------------------------------------------------
    def _call(self, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
        loop = self._started()
        if threading.current_thread() is self._thread:
            raise RuntimeError("the database file store was called from its own thread")
        return asyncio.run_coroutine_threadsafe(self._run(work), loop).result()

    async def _run(self, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
        if self._engine is None:
            self._engine = self._make_engine()
        return await work(self._engine)

    def _started(self) -> asyncio.AbstractEventLoop:
        with self._start:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=_serve, args=(loop,), name="cdht-files", daemon=True)
                self._thread.start()
                self._loop = loop
            return self._loop


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        loop.close()
