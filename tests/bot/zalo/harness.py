"""The Zalo bot under test (`tests/bot/harness.py`) against the fake Zalo Bot API, with its own HTTP server
(webhook and signed file links) on a free local port, and its people."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text

from cdht.bot.zalo.channel import ZaloChannel
from cdht.config import Settings
from tests.bot import harness
from tests.bot.harness import BotUnderTest
from tests.fakes.clock import SYSTEM_CLOCK
from tests.fakes.zalo_api import TOKEN, FakeZaloAPI, ZaloUser
from tests.support import YEAR, open_demo_app

WEBHOOK_SECRET = "zalo-webhook-secret-42"
FAST = dataclasses.replace(harness.FAST, tick_seconds=3600.0)
AN = ("8a1f0c2e77d94b01", "Nguyễn Văn An", "0902000001")  # trưởng thôn Thôn Đông (DEMO-SH-X1-T1)
THU = ("5c03d9e1aa6b4f12", "Phan Thị Thu", "0901000001")  # cán bộ xã An Bình (DEMO-SH-X1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings_for(data_dir: Path, api: FakeZaloAPI, **overrides: Any) -> Settings:
    port = free_port()
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "assessment_year": YEAR,
        "zalo_token": TOKEN,
        "zalo_api_base": api.base_url,
        "zalo_webhook_secret": WEBHOOK_SECRET,
        "public_url": f"http://127.0.0.1:{port}",
        "http_host": "127.0.0.1",
        "http_port": port,
        "file_url_secret": "file-links-test-secret-0123456789",
        "rate_per_chat_per_second": 50.0,
        "rate_global_per_second": 200.0,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class ZaloBotUnderTest(BotUnderTest[FakeZaloAPI, ZaloUser]):
    channel_type = ZaloChannel
    quiet_seconds = 0.04
    fast = FAST

    def user(self, who: tuple[str, str, str]) -> ZaloUser:
        return ZaloUser(self.api, *who)

    async def deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Polling: queued at the fake; webhook: POSTed in Zalo's envelope."""
        if self.webhook:
            assert await self.api.post_to_webhook(update) == 200
        else:
            await self.api.push(update)
        return update

    async def delivered(self, updates: list[dict[str, Any]]) -> None:
        """A polled update is gone from the fake before it is in our inbox: wait for each one there."""
        for update in updates:
            await self.stored(f"{update['event_name']}:{update['message']['message_id']}")

    async def stored(self, external_id: str, seconds: float = 5.0) -> None:
        deadline = SYSTEM_CLOCK.monotonic() + seconds
        query = text("SELECT count(*) FROM inbox WHERE channel = 'zalo' AND external_id = :id")
        while SYSTEM_CLOCK.monotonic() < deadline:
            async with self.app.database.engine.connect() as connection:
                if await connection.scalar(query, {"id": external_id}):
                    return
            await asyncio.sleep(0.02)
        raise AssertionError(f"update {external_id} never reached the inbox")


@asynccontextmanager
async def running_zalo_bot(
    tmp_path: Path, *, webhook: bool = False, **overrides: Any
) -> AsyncIterator[ZaloBotUnderTest]:
    api = FakeZaloAPI()
    await api.start()
    try:
        async with open_demo_app(settings_for(tmp_path / "data", api, **overrides)) as application:
            bot = ZaloBotUnderTest(application, api, webhook=webhook)
            await bot.start()
            try:
                yield bot
            finally:
                await bot.stop()
    finally:
        await api.close()


async def register(bot: ZaloBotUnderTest, who: tuple[str, str, str]) -> ZaloUser:
    person = bot.user(who)
    code = await bot.invite(who[2])
    replies = await bot.say(person, f"/start {code}")
    assert any("Xin chào" in reply for reply in replies), replies
    return person
