"""Shared fixtures: a migrated database on SQLite and on the real PostgreSQL server, a fixed clock."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.storage.batch_unit_of_work import SqlBatchUnitOfWork
from cdht.storage.database import create_engine, session_factory
from cdht.storage.migrate import upgrade
from cdht.storage.tables import Base
from cdht.storage.unit_of_work import SqlUnitOfWork

POSTGRES_URL = os.environ.get("CDHT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def _postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def unavailable(reason: str, tests: str) -> NoReturn:
    """What a test needs is not on this machine: outside CI the test is skipped with the reason; with CI=true
    (`.ci/run` installs and starts everything) that is a failure, never a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(f"{reason}; {tests} tests skipped")


def require_postgres() -> None:
    if not _postgres_answers():
        unavailable("PostgreSQL at 127.0.0.1:5432 does not answer", "PostgreSQL")


def _guard_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests fail loudly on any connection that leaves this machine."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and not (str(host).startswith("127.") or host in ("localhost", "::1")):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    _guard_network(monkeypatch)


def _run_in_thread(make: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run setup on its own loop: the session fixture may be first asked for from inside a test's loop."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(make())).result()


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A private schema in the `test` database, migrated once per run and dropped at the end."""
    require_postgres()
    schema = f"cdht_test_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        admin = create_engine(POSTGRES_URL)
        async with admin.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        engine = postgres_engine(schema)
        await upgrade(engine)
        await engine.dispose()

    async def drop() -> None:
        admin = create_engine(POSTGRES_URL)
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()

    _run_in_thread(create)
    yield schema
    _run_in_thread(drop)


def postgres_engine(schema: str) -> AsyncEngine:
    return create_engine(POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}})


async def _truncate_postgres(engine: AsyncEngine) -> None:
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url_and_engine(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, AsyncEngine]]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
        engine = create_engine(url)
        await upgrade(engine)
    else:
        schema = request.getfixturevalue("postgres_schema")
        engine = postgres_engine(schema)
        await _truncate_postgres(engine)
        url = POSTGRES_URL
    yield url, engine
    await engine.dispose()


@pytest.fixture
async def uow_factory(database_url_and_engine: tuple[str, AsyncEngine]) -> Callable[[], SqlUnitOfWork]:
    _, engine = database_url_and_engine
    factory = session_factory(engine)
    return lambda: SqlUnitOfWork(factory)


@pytest.fixture
async def batch_uow_factory(
    database_url_and_engine: tuple[str, AsyncEngine],
) -> Callable[[], SqlBatchUnitOfWork]:
    """The inbox batch's units of work (a batching session), on the same database as `uow_factory`."""
    _, engine = database_url_and_engine
    factory = session_factory(engine, batching=True)
    return lambda: SqlBatchUnitOfWork(factory)


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'one.sqlite3'}")
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def sqlite_uow_factory(sqlite_engine: AsyncEngine) -> Callable[[], SqlUnitOfWork]:
    factory = session_factory(sqlite_engine)
    return lambda: SqlUnitOfWork(factory)


@pytest.fixture
async def sqlite_batch_uow_factory(sqlite_engine: AsyncEngine) -> Callable[[], SqlBatchUnitOfWork]:
    factory = session_factory(sqlite_engine, batching=True)
    return lambda: SqlBatchUnitOfWork(factory)


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements the engine sends to the database meanwhile (an executemany counts once)."""
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden transcripts (tests/conversations/golden) that differ; review them with git diff",
    )
