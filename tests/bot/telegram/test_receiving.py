"""Receiving updates: the webhook's secret, redeliveries, per-person order, restarts, what is ignored."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from cdht.bot.composition import App
from cdht.cli.common import DEMO_ROSTER
from cdht.handlers.admin.roster import import_roster
from cdht.storage.database import Database
from cdht.storage.folder_files import FolderFileStore
from tests.bot.harness import FAST
from tests.bot.telegram.harness import AN, TelegramBotUnderTest, register, running_bot, settings_for
from tests.conftest import POSTGRES_URL
from tests.fakes.telegram_api import FakeTelegramAPI

SECRET = "s3cret-Token_for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_settings() -> dict[str, object]:
    port = free_port()
    return {
        "telegram_webhook_url": f"http://127.0.0.1:{port}/telegram/webhook",
        "telegram_webhook_secret": SECRET,
        "telegram_webhook_host": "127.0.0.1",
        "telegram_webhook_port": port,
    }


async def inbox_rows(bot: TelegramBotUnderTest) -> int:
    async with bot.app.database.engine.connect() as connection:
        return int(await connection.scalar(text("SELECT count(*) FROM inbox")) or 0)


async def test_webhook_refuses_a_wrong_or_missing_secret_and_stores_nothing(tmp_path: Path) -> None:
    async with running_bot(tmp_path, webhook=True, **webhook_settings()) as bot:
        [hook] = bot.api.calls_to("setWebhook")
        assert hook.params["secret_token"] == SECRET
        assert hook.params["allowed_updates"] == [
            "message",
            "edited_message",
            "callback_query",
            "my_chat_member",
        ]
        assert hook.params.get("drop_pending_updates") in (None, False)
        an = bot.user(AN)
        update = {"update_id": 1, **an.text("/start")}
        assert await bot.api.post_to_webhook(update, secret="wrong-secret") == 401
        assert await bot.api.post_to_webhook(update, secret=None) == 401
        async with aiohttp.ClientSession() as session:
            url = bot.app.settings.telegram_webhook_url or ""
            async with session.post(
                url, data=b"not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            ) as r:
                assert r.status == 400
        await bot.settle()
        assert await inbox_rows(bot) == 0
        assert not bot.api.calls_to("sendMessage")

        odd = {"update_id": 2, "callback_query": {"id": "q", "data": "c|a|b"}}  # no sender: stored, ignored
        assert await bot.api.post_to_webhook(odd) == 200
        await bot.settle()
        assert await inbox_rows(bot) == 1 and not bot.api.calls_to("sendMessage")

        assert await bot.api.post_to_webhook(update) == 200
        await bot.settle()
        assert await inbox_rows(bot) == 2
        assert "Chia sẻ số điện thoại" in bot.api.texts(an.id)[0]


async def test_a_redelivered_update_changes_nothing(tmp_path: Path) -> None:
    async with running_bot(tmp_path, webhook=True, **webhook_settings()) as bot:
        an = await register(bot, AN)
        answer = {"update_id": 424242, **an.text("250")}
        assert await bot.api.post_to_webhook(answer) == 200
        await bot.settle()
        replies, rows = len(bot.api.texts(an.id)), await inbox_rows(bot)
        assert await bot.api.post_to_webhook(answer) == 200  # Telegram retries when it missed our 200
        await bot.settle()
        assert (len(bot.api.texts(an.id)), await inbox_rows(bot)) == (replies, rows)
        session = await bot.session_of(AN[2])
        assert session is not None and session.cursor == "citizens"


async def test_polling_ignores_an_update_telegram_sends_again_after_a_restart(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        [stored] = await bot.send(an.text("250"))
        replies = len(bot.api.texts(an.id))
        await bot.stop()
        await bot.api.push(stored)  # stored, but the process died before the offset confirmed it
        await bot.start()
        await bot.settle()
        assert len(bot.api.texts(an.id)) == replies
        session = await bot.session_of(AN[2])
        assert session is not None and session.cursor == "citizens"


@pytest.fixture(params=["sqlite", "postgres"])
async def any_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'order.sqlite3'}")
        await database.upgrade()
    else:
        schema = request.getfixturevalue("postgres_schema")
        database = Database(POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}})
        async with database.engine.begin() as connection:
            tables = (
                await connection.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}
                )
            ).scalars()
            names = ", ".join(f'"{name}"' for name in tables if name != "alembic_version")
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield database
    await database.dispose()


async def test_two_quick_messages_from_one_person_are_handled_in_order(
    any_database: Database, tmp_path: Path
) -> None:
    """Both arrive in one getUpdates batch; with four inbox workers (PostgreSQL) they still go in order."""
    api = FakeTelegramAPI()
    await api.start()
    settings = settings_for(tmp_path / "data", api)
    app = App(settings=settings, database=any_database, files=FolderFileStore(settings.evidence_dir))
    async with app.uow() as uow:
        await import_roster(DEMO_ROSTER, uow, datetime(2025, 11, 1, tzinfo=UTC))
    workers = 4 if "postgresql" in any_database.url else 1
    bot = TelegramBotUnderTest(app, api, timing=dataclasses.replace(FAST, inbox_workers=workers))
    await bot.start()
    try:
        an = await register(bot, AN)
        await bot.send(an.text("250"), an.text("1.000"), an.text("850"))
        saved = [t.split("\n")[0] for t in api.texts(an.id) if t.startswith("✅ Đã lưu")]
        assert saved == ["✅ Đã lưu: 250 hộ", "✅ Đã lưu: 1.000 người", "✅ Đã lưu: 850 người"]
    finally:
        await bot.stop()
        await api.close()


async def test_work_left_by_a_crash_is_picked_up_on_start(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        await bot.stop()
        # Stored before the crash but never processed, and an update Telegram kept while we were down.
        async with bot.app.uow() as uow:
            stored = {"update_id": 90001, **an.text("250")}
            await uow.inbox.add("telegram", "90001", str(an.id), stored, datetime.now(UTC))
            await uow.commit()
        await bot.api.push(an.text("1.000"))
        await bot.start()
        await bot.settle()
        saved = [t.split("\n")[0] for t in bot.api.texts(an.id) if t.startswith("✅ Đã lưu")]
        assert saved == ["✅ Đã lưu: 250 hộ", "✅ Đã lưu: 1.000 người"]


async def test_unknown_updates_group_messages_and_unusable_content(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        before = len(bot.api.texts(an.id))
        group = {"id": -100123, "type": "supergroup", "title": "Ban chỉ đạo xã"}
        await bot.send(
            {
                "poll": {
                    "id": "p1",
                    "question": "?",
                    "options": [],
                    "total_voter_count": 0,
                    "is_closed": False,
                    "is_anonymous": True,
                    "type": "regular",
                    "allows_multiple_answers": False,
                }
            },
            {"message": {**an.text("250")["message"], "chat": group}},
            {
                "channel_post": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": -100999, "type": "channel"},
                    "text": "x",
                }
            },
        )
        assert len(bot.api.texts(an.id)) == before
        assert not [c for c in bot.api.calls if c.chat_id == str(group["id"])]
        session = await bot.session_of(AN[2])
        assert session is not None and session.cursor == "households"  # the group's "250" did not count
        assert await bot.pending() == (0, 0, 0)

        sticker = {
            "file_id": "s",
            "file_unique_id": "s",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
        await bot.send(an.message(sticker=sticker))
        assert "nhãn dán" in bot.api.texts(an.id)[-1]
        await bot.send(an.message(voice={"file_id": "v", "file_unique_id": "v", "duration": 3}))
        assert "tin nhắn thoại" in bot.api.texts(an.id)[-1]
        edited = an.text("300")
        await bot.send({"edited_message": {**edited["message"], "edit_date": 1}})
        assert "tin nhắn đã sửa" in bot.api.texts(an.id)[-1]
