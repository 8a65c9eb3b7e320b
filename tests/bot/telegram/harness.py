"""The Telegram bot under test (`tests/bot/harness.py`) against the fake Telegram Bot API, and its people."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from cdht.bot.telegram.channel import TelegramChannel
from cdht.config import Settings
from tests.bot.harness import BotUnderTest
from tests.fakes.telegram_api import TOKEN, FakeTelegramAPI
from tests.fakes.telegram_user import TelegramUser
from tests.support import YEAR, open_demo_app

AN = (7001, "An", "0902000001")  # Nguyễn Văn An, trưởng thôn Thôn Đông (DEMO-SH-X1-T1)
BINH = (7002, "Bình", "0902000002")  # Trần Thị Bình, trưởng thôn Thôn Tây (DEMO-SH-X1-T2)


def settings_for(data_dir: Path, api: FakeTelegramAPI, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "assessment_year": YEAR,
        "telegram_token": TOKEN,
        "telegram_api_base": api.base_url,
        "rate_per_chat_per_second": 50.0,
        "rate_global_per_second": 200.0,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class TelegramBotUnderTest(BotUnderTest[FakeTelegramAPI, TelegramUser]):
    channel_type = TelegramChannel

    def user(self, who: tuple[int, str, str]) -> TelegramUser:
        return TelegramUser(self.api, *who)

    async def deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Polling: queued at the fake (which adds its update_id); webhook: POSTed with an update_id."""
        if not self.webhook:
            return await self.api.push(update)
        update = {"update_id": int(time.monotonic_ns() % 10**9), **update}
        assert await self.api.post_to_webhook(update) == 200
        return update


@asynccontextmanager
async def running_bot(
    tmp_path: Path, *, webhook: bool = False, **overrides: Any
) -> AsyncIterator[TelegramBotUnderTest]:
    api = FakeTelegramAPI()
    await api.start()
    try:
        async with open_demo_app(settings_for(tmp_path / "data", api, **overrides)) as application:
            bot = TelegramBotUnderTest(application, api, webhook=webhook)
            await bot.start()
            try:
                yield bot
            finally:
                await bot.stop()
    finally:
        await api.close()


async def register(bot: TelegramBotUnderTest, who: tuple[int, str, str]) -> TelegramUser:
    person = bot.user(who)
    await bot.send(person.text("/start"), person.contact())
    assert any("Xin chào" in text for text in bot.api.texts(person.id)), bot.api.texts(person.id)
    return person
