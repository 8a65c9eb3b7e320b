"""Issue 14, findings 4 and 7, end to end through Telegram: a NUL in a vướng mắc no longer loses the question
on PostgreSQL, and bidirectional or zero-width characters never reach the officers who read it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from cdht.bot.composition import App
from cdht.cli.common import DEMO_ROSTER
from cdht.handlers.admin.roster import import_roster
from cdht.storage.database import Database
from cdht.storage.folder_files import FolderFileStore
from tests.bot.telegram.harness import AN, TelegramBotUnderTest, register, settings_for
from tests.conftest import POSTGRES_URL
from tests.fakes.telegram_api import FakeTelegramAPI

DISTRICT = (7100, "Huyện", "0900000002")  # Lê Văn Huyện, quản trị huyện Sơn Hà
HIDDEN = ("\x00", "\u202e", "\u2067", "\u2069", "\u200b", "\ufeff")


@pytest.fixture(params=["sqlite", "postgres"])
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[TelegramBotUnderTest]:
    if request.param == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'clean.sqlite3'}")
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
    api = FakeTelegramAPI()
    await api.start()
    settings = settings_for(tmp_path / "data", api)
    app = App(settings=settings, database=database, files=FolderFileStore(settings.evidence_dir))
    async with app.uow() as uow:
        await import_roster(DEMO_ROSTER, uow, datetime(2025, 11, 1, tzinfo=UTC))
    under_test = TelegramBotUnderTest(app, api)
    await under_test.start()
    try:
        yield under_test
    finally:
        await under_test.stop()
        await api.close()
        await database.dispose()


async def test_a_question_with_a_nul_and_hidden_characters_is_stored_clean_and_reaches_the_district(
    bot: TelegramBotUnderTest,
) -> None:
    an = await register(bot, AN)
    district = await register(bot, DISTRICT)
    await bot.send(an.text("/vuongmac"))
    sent = await bot.say(
        an, "Người đi làm\x00 ăn xa có tính vào\u200b số công dân\u202e không?\u2067 (thôn\ufeff Đông)\u2069"
    )
    assert any("Đã gửi vướng mắc #1" in reply for reply in sent), sent

    question = "Người đi làm ăn xa có tính vào số công dân không? (thôn Đông)"
    notices = [t for t in bot.api.texts(district.id) if "Vướng mắc #1" in t]
    assert notices and question in notices[0], notices
    async with bot.app.database.engine.connect() as connection:
        stored = (await connection.execute(text("SELECT text FROM difficulties"))).scalars().all()
        failed = await connection.scalar(text("SELECT count(*) FROM inbox WHERE status <> 'done'"))
    assert stored == [question] and failed == 0

    listed = await bot.say(district, "/vuongmac")  # the district's list of open questions
    assert any(question in reply for reply in listed), listed
    shown = bot.api.texts(district.id) + bot.api.texts(an.id)
    assert not [t for t in shown if any(ch in t for ch in HIDDEN)]
