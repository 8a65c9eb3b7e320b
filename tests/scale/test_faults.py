"""Faults around a running bot: 429 storms, 500s, timeouts and dropped connections from the Bot API; the
database locked (SQLite) or gone for seconds (PostgreSQL, behind a proxy that is cut). The bot keeps going,
retries, loses nothing and, as long as it does not crash itself, sends nothing twice.

Already covered in tests/bot/telegram: a single 429 with its retry_after, 500s with back-off, a 403, an
unreadable outbox row, redelivered updates, work left by a crash."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from cdht.bot.composition import App
from cdht.bot.telegram import channel as telegram_channel
from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.wire import outbound_to_json
from cdht.pipeline.outbox import RetryPolicy
from cdht.storage.database import Database
from cdht.storage.folder_files import FolderFileStore
from tests.bot.harness import FAST
from tests.bot.telegram.harness import TelegramBotUnderTest, settings_for
from tests.conftest import POSTGRES_URL
from tests.fakes.telegram_faults import FaultyTelegramAPI
from tests.scale.databases import empty_tables
from tests.scale.flood import check_exactly_once, crowd, flood_webhook, progress, seed_roster
from tests.scale.tcp_proxy import TcpProxy

pytestmark = pytest.mark.slow  # every scale test; `make unit-fast` leaves them out

PATIENT = dataclasses.replace(FAST, retry=RetryPolicy(first_delay=0.2, max_delay=1.0, max_attempts=10))
SECRET = "faults-Secret"


def webhook_settings() -> dict[str, Any]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    return {
        "telegram_webhook_url": f"http://127.0.0.1:{port}/telegram/webhook",
        "telegram_webhook_secret": SECRET,
        "telegram_webhook_port": port,
    }


@asynccontextmanager
async def bot_on(
    database: Database, api: FaultyTelegramAPI, folder: Path, *, webhook: bool, **settings: Any
) -> AsyncIterator[TelegramBotUnderTest]:
    config = settings_for(folder / "data", api, **(webhook_settings() if webhook else {}), **settings)
    app = App(settings=config, database=database, files=FolderFileStore(config.evidence_dir))
    bot = TelegramBotUnderTest(app, api, webhook=webhook, timing=PATIENT)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def until(condition: Any, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def all_settled(database: Database, updates: int) -> bool:
    done, _, pending = await progress(database)
    return done == updates and pending == 0


# ---- the Bot API misbehaves --------------------------------------------------------------------------


@pytest.fixture
def one_second_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiogram waits 60 s for an answer by default; the timeouts here take 1 s."""
    make_bot = telegram_channel.make_bot

    def quick(settings: Any) -> Any:
        bot, session = make_bot(settings)
        session.timeout = 1.0
        return bot, session

    monkeypatch.setattr(telegram_channel, "make_bot", quick)


@pytest.mark.usefixtures("one_second_timeout")
async def test_429_storms_500s_timeouts_and_dropped_connections_lose_and_repeat_nothing(
    sqlite_uow_factory: Any, tmp_path: Path
) -> None:
    """The bot is configured above the platform's limit (40/s against 20/s), so 429s come in storms; among
    them 500s, answers slower than the client waits, and connections cut before any answer."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'faults.sqlite3'}")
    await database.upgrade()
    api = FaultyTelegramAPI(rate_per_second=20)
    await api.start()
    chats = [str(600_000 + n) for n in range(30)]
    try:
        async with bot_on(database, api, tmp_path, webhook=False, rate_global_per_second=40.0) as bot:
            api.fail_next("sendMessage", 500, times=4)
            api.delay_next(2.5, times=2)
            api.drop_next(times=2)
            now = datetime.now(UTC)
            async with database.uow() as uow:
                for part in (1, 2):
                    for chat in chats:
                        message = OutboundMessage(f"Thông báo {part} cho {chat}")
                        await uow.outbox.add("telegram", chat, outbound_to_json(message), now)
                await uow.commit()
            await until(lambda: all_settled(database, 0))
            await asyncio.sleep(0.3)
            await bot.settle()
        assert api.refused > 0 and api.dropped == 2
        failures = [c.status for c in api.calls if c.method == "sendMessage" and c.status != 200]
        assert failures.count(500) == 4 and failures.count(429) == api.refused
        for chat in chats:
            assert api.texts(chat) == [f"Thông báo 1 cho {chat}", f"Thông báo 2 cho {chat}"]
        async with database.engine.connect() as connection:
            statuses = (
                await connection.execute(text("SELECT status, count(*) FROM outbox GROUP BY 1"))
            ).all()
        assert statuses == [("sent", 60)]
    finally:
        await database.dispose()
        await api.close()


# ---- the database goes away --------------------------------------------------------------------------


@asynccontextmanager
async def locked(path: Path) -> AsyncIterator[threading.Event]:
    """Another process's write lock on the SQLite file until the returned event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, timeout=0, isolation_level=None)
        deadline = time.monotonic() + 30
        try:
            while True:  # elbow in between the bot's writes (its retries back off; this does not)
                try:
                    connection.execute("BEGIN EXCLUSIVE")
                    break
                except sqlite3.OperationalError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.001)
            taken.set()
            release.wait(30)
            connection.execute("ROLLBACK")
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert await asyncio.to_thread(taken.wait, 30)  # the bot's loop runs on meanwhile
    try:
        yield release
    finally:
        release.set()
        await asyncio.to_thread(holder.join)


def impatient_sqlite(path: Path) -> Database:
    """Gives up after 200 ms on a locked database instead of 10 s, so the lock shows as errors."""
    database = Database(f"sqlite+aiosqlite:///{path}")

    def short_busy_timeout(connection: Any, _record: Any) -> None:
        connection.cursor().execute("PRAGMA busy_timeout=200")

    event.listen(database.engine.sync_engine, "connect", short_busy_timeout)
    return database


async def test_a_locked_sqlite_database_delays_everything_but_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    database = impatient_sqlite(path)
    await database.upgrade()
    people = crowd(12)
    await seed_roster(database, people)
    api = FaultyTelegramAPI()
    await api.start()
    try:
        async with bot_on(database, api, tmp_path, webhook=True):
            flood = asyncio.create_task(flood_webhook(api, people))
            for _ in range(2):
                await asyncio.sleep(0.4)
                async with locked(path) as release:
                    await asyncio.sleep(1.5)
                    release.set()
            await flood
            await until(lambda: all_settled(database, 6 * len(people)))
            await asyncio.sleep(0.3)
        await check_exactly_once(database, api, people)
    finally:
        await database.dispose()
        await api.close()


@asynccontextmanager
async def postgres_behind_proxy(schema: str) -> AsyncIterator[tuple[Database, TcpProxy]]:
    url = make_url(POSTGRES_URL)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    port = await proxy.start()
    database = Database(url.set(port=port).render_as_string(hide_password=False), schema=schema)
    try:
        await empty_tables(database)
        yield database, proxy
    finally:
        await proxy.restore() if proxy.port and not proxy._server else None
        await database.dispose()
        await proxy.close()


async def test_postgres_gone_for_seconds_delays_everything_but_loses_nothing(
    postgres_schema: str, tmp_path: Path
) -> None:
    people = crowd(20)
    api = FaultyTelegramAPI()
    await api.start()
    try:
        async with postgres_behind_proxy(postgres_schema) as (database, proxy):
            await seed_roster(database, people)
            async with bot_on(database, api, tmp_path, webhook=True):
                flood = asyncio.create_task(flood_webhook(api, people))
                for _ in range(2):
                    await asyncio.sleep(0.5)
                    await proxy.cut()  # every connection dropped, none accepted: the server is down
                    await asyncio.sleep(2.0)
                    await proxy.restore()
                await flood
                await until(lambda: all_settled(database, 6 * len(people)))
                await asyncio.sleep(0.3)
            await check_exactly_once(database, api, people)
    finally:
        await api.close()


# ---- the database fails just after a delivery ----------------------------------------------------------


async def queue_one(database: Database, chat: str, text_: str) -> None:
    async with database.uow() as uow:
        await uow.outbox.add("telegram", chat, outbound_to_json(OutboundMessage(text_)), datetime.now(UTC))
        await uow.commit()


async def sent_rows(database: Database) -> list[tuple[str, int]]:
    async with database.engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text("SELECT status, attempts FROM outbox"))]


async def test_a_delivery_is_recorded_again_after_sqlite_was_locked_at_that_moment(tmp_path: Path) -> None:
    """Telegram accepted the message, then marking it sent failed on a locked database: the sender records
    it again once the lock is gone, instead of sending it a second time."""
    path = tmp_path / "locked.sqlite3"
    database = impatient_sqlite(path)
    await database.upgrade()
    api = FaultyTelegramAPI()
    await api.start()
    try:
        async with bot_on(database, api, tmp_path, webhook=False) as bot:
            api.hold()
            await queue_one(database, "610001", "Họp lúc 14:00")
            await api.wait_until(lambda: api.waiting == 1)
            async with locked(path) as release:
                api.release()
                await api.wait_until(lambda: len(api.calls_to("sendMessage")) == 1)
                await asyncio.sleep(1.0)  # the sender's record of it fails meanwhile
                release.set()
            await bot.settle()
        assert api.texts("610001") == ["Họp lúc 14:00"]
        assert await sent_rows(database) == [("sent", 0)]
    finally:
        await database.dispose()
        await api.close()


async def test_a_delivery_is_recorded_again_after_postgres_went_away_at_that_moment(
    postgres_schema: str, tmp_path: Path
) -> None:
    api = FaultyTelegramAPI()
    await api.start()
    try:
        async with postgres_behind_proxy(postgres_schema) as (database, proxy):
            async with bot_on(database, api, tmp_path, webhook=False) as bot:
                api.hold()
                await queue_one(database, "610002", "Họp lúc 15:00")
                await api.wait_until(lambda: api.waiting == 1)
                await proxy.cut()  # the claim's transaction and its row lock are gone with the connection
                api.release()
                await api.wait_until(lambda: len(api.calls_to("sendMessage")) == 1)
                await asyncio.sleep(1.0)
                await proxy.restore()
                await bot.settle()
            assert api.texts("610002") == ["Họp lúc 15:00"]
            assert await sent_rows(database) == [("sent", 0)]
    finally:
        await api.close()
