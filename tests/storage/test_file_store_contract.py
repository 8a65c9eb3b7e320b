"""The file store's contract, on each adapter: the folder (`CDHT_FILE_STORE=folder`) and the database on SQLite
and on the real PostgreSQL server (`CDHT_FILE_STORE=database`). Content-addressed and stored once; a missing
file is said so; exports go after the retention period, kept files (evidence, dossier documents) never; the
database's files come back whole across several chunks, and from another store on the same database."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.handlers.ports import FileStore, MissingFile
from cdht.storage.database import create_engine
from cdht.storage.database_files import DatabaseFileStore
from cdht.storage.folder_files import FolderFileStore
from cdht.storage.migrate import upgrade
from cdht.storage.tables import StoredFile, StoredFileChunk
from tests.conftest import _truncate_postgres, postgres_engine

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40  # about 10 kB: several chunks of 4 kB
WORKBOOK = b"PK\x03\x04 workbook"
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


MakeStore = Callable[[], FileStore]


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> AsyncIterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'files.sqlite3'}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    yield url


@pytest.fixture
async def postgres_engine_maker(postgres_schema: str) -> AsyncIterator[Callable[[], AsyncEngine]]:
    engine = postgres_engine(postgres_schema)
    await _truncate_postgres(engine)
    await engine.dispose()
    yield lambda: postgres_engine(postgres_schema)


def _open_stores(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[MakeStore, Clock]]:
    """A way to open a store (each call another one on the same folder or database), and the stores' clock
    (the folder's is the file's modification time, set by the test)."""
    clock = Clock()
    opened: list[DatabaseFileStore] = []
    if kind == "folder":
        yield (lambda: FolderFileStore(tmp_path / "evidence", tmp_path / "exports")), clock
        return
    if kind == "database-sqlite":
        url = request.getfixturevalue("sqlite_url")

        def make_engine() -> AsyncEngine:
            return create_engine(url)
    else:
        make_engine = request.getfixturevalue("postgres_engine_maker")

    def open_store() -> FileStore:
        store = DatabaseFileStore(make_engine, chunk_bytes=4096, clock=clock)
        opened.append(store)
        return store

    yield open_store, clock
    for store in opened:
        store.close()


@pytest.fixture(params=["folder", "database-sqlite", "database-postgres"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[MakeStore, Clock]]:
    yield from _open_stores(request.param, request, tmp_path)


@pytest.fixture(params=["database-sqlite", "database-postgres"])
def database_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[MakeStore, Clock]]:
    """The database adapter only: what is checked is its rows."""
    yield from _open_stores(request.param, request, tmp_path)


def _stored_at(store: FileStore, sha256: str, when: datetime) -> None:
    """The folder's time of a file is its modification time: set it as the database's clock sets its row's."""
    if isinstance(store, FolderFileStore):
        os.utime(store.path_for(sha256, export=True), (when.timestamp(), when.timestamp()))


async def test_a_file_is_stored_once_and_read_back_whole(stores: tuple[MakeStore, Clock]) -> None:
    make, _ = stores
    store = make()
    sha = await asyncio.to_thread(store.put_bytes, PHOTO)
    assert sha == hashlib.sha256(PHOTO).hexdigest()
    assert await asyncio.to_thread(store.put_bytes, PHOTO) == sha  # the same content: the same id
    assert await asyncio.to_thread(store.read_bytes, sha) == PHOTO
    assert await asyncio.to_thread(store.exists, sha)
    empty = await asyncio.to_thread(store.put_bytes, b"")
    assert await asyncio.to_thread(store.read_bytes, empty) == b""
    other = make()  # another worker on the same folder or database reads it too
    assert await asyncio.to_thread(other.read_bytes, sha) == PHOTO


async def test_a_missing_file_is_said_so_and_a_bad_id_refused(stores: tuple[MakeStore, Clock]) -> None:
    make, _ = stores
    store = make()
    unknown = hashlib.sha256(b"never stored").hexdigest()
    assert not await asyncio.to_thread(store.exists, unknown)
    with pytest.raises(MissingFile):
        await asyncio.to_thread(store.read_bytes, unknown)
    with pytest.raises(ValueError, match="sha256"):
        await asyncio.to_thread(store.read_bytes, "../../cdht.sqlite3")


async def test_old_exports_are_pruned_and_kept_files_stay(stores: tuple[MakeStore, Clock]) -> None:
    make, clock = stores
    store = make()
    evidence = await asyncio.to_thread(store.put_bytes, PHOTO)
    old = await asyncio.to_thread(store.put_bytes, WORKBOOK, export=True)
    _stored_at(store, old, T0)
    clock.now = T0 + timedelta(days=20)
    fresh = await asyncio.to_thread(store.put_bytes, b"PK\x03\x04 a later chart", export=True)
    _stored_at(store, fresh, clock.now)
    assert (
        await asyncio.to_thread(store.put_bytes, PHOTO, export=True) == evidence
    )  # evidence sent as an export
    before = T0 + timedelta(days=10)
    assert await asyncio.to_thread(store.count_exports, before) == 1
    assert await asyncio.to_thread(store.prune_exports, before) == 1
    assert not await asyncio.to_thread(store.exists, old)
    with pytest.raises(MissingFile):
        await asyncio.to_thread(store.read_bytes, old)
    assert await asyncio.to_thread(store.read_bytes, fresh) == b"PK\x03\x04 a later chart"
    assert await asyncio.to_thread(store.read_bytes, evidence) == PHOTO  # evidence is never pruned
    assert await asyncio.to_thread(store.prune_exports, before) == 0


async def test_an_export_stored_again_starts_its_period_again(stores: tuple[MakeStore, Clock]) -> None:
    make, clock = stores
    store = make()
    sha = await asyncio.to_thread(store.put_bytes, WORKBOOK, export=True)
    _stored_at(store, sha, T0)
    clock.now = T0 + timedelta(days=29)  # the folder's store touches the file: its time is now, later still
    await asyncio.to_thread(store.put_bytes, WORKBOOK, export=True)
    assert await asyncio.to_thread(store.prune_exports, T0 + timedelta(days=1)) == 0
    assert await asyncio.to_thread(store.read_bytes, sha) == WORKBOOK
    await asyncio.to_thread(store.put_bytes, WORKBOOK)  # now kept (a dossier's document): never pruned
    assert await asyncio.to_thread(store.prune_exports, T0 + timedelta(days=400)) == 0


async def test_the_database_keeps_a_file_in_chunks_and_once(
    database_stores: tuple[MakeStore, Clock],
) -> None:
    make, _ = database_stores
    store = make()
    assert isinstance(store, DatabaseFileStore)
    first, second = make(), make()
    # Two workers store the same new photo at the same moment: one row, one set of chunks.
    shas = await asyncio.gather(
        asyncio.to_thread(first.put_bytes, PHOTO), asyncio.to_thread(second.put_bytes, PHOTO)
    )
    assert shas[0] == shas[1]

    async def counts(engine: AsyncEngine) -> tuple[int, int]:
        async with engine.connect() as connection:
            files = await connection.scalar(select(func.count()).select_from(StoredFile))
            chunks = await connection.scalar(select(func.count()).select_from(StoredFileChunk))
        return int(files or 0), int(chunks or 0)

    assert store._call(counts) == (1, -(-len(PHOTO) // 4096))
