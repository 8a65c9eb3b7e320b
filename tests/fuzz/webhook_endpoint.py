"""The webhook endpoint alone, as `cdht run` serves it (webhook_app -> the intake with the real
Acknowledger), on an aiohttp test server at 127.0.0.1, with the fake Bot API behind the bot."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp.test_utils import TestClient, TestServer

from cdht.bot.telegram.acknowledge import Acknowledger
from cdht.bot.telegram.channel import update_intake
from cdht.bot.telegram.decode import decode
from cdht.bot.telegram.media import TelegramMediaFetcher
from cdht.bot.telegram.webhook import SECRET_HEADER, webhook_app
from cdht.handlers.context import Services
from cdht.pipeline.inbox import process_batch
from cdht.storage.database import Database
from cdht.storage.folder_files import FolderFileStore
from tests.fakes.telegram_api import TOKEN, FakeTelegramAPI

SECRET = "fuzz-Secret_1"
PATH = "/telegram/webhook"


def now() -> datetime:
    return datetime(2025, 11, 20, 2, 0, tzinfo=UTC)


class WebhookUnderTest:
    def __init__(self, database: Database, folder: Path) -> None:
        self.database = database
        self.folder = folder
        self.api = FakeTelegramAPI()
        self.bot: Bot | None = None
        self.acknowledger: Acknowledger | None = None
        self.client: TestClient | None = None  # type: ignore[type-arg]

    async def start(self) -> None:
        await self.api.start()
        self.bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(self.api.base_url)))
        self.acknowledger = Acknowledger(self.bot)
        intake = update_intake(self.database.uow, now, self.acknowledger)
        server = TestServer(webhook_app(intake, secret=SECRET, path=PATH), host="127.0.0.1")
        self.client = TestClient(server)
        await self.client.start_server()

    async def post(self, body: bytes, *, secret: str | None = SECRET) -> int:
        assert self.client is not None
        headers = {"Content-Type": "application/json"} | ({SECRET_HEADER: secret} if secret else {})
        response = await self.client.post(PATH, data=io.BytesIO(body), headers=headers)
        await response.release()
        return response.status

    async def process_all(self) -> int:
        """Run the inbox worker over everything stored, as `cdht run` would; returns how many rows."""
        assert self.bot is not None
        services = Services(
            files=FolderFileStore(self.folder / "evidence"),
            fetcher=TelegramMediaFetcher(self.bot),
            year=2025,
            exports_dir=self.folder / "exports",
        )
        done = 0
        while processed := await process_batch(self.database.batch_uow, {"telegram": decode}, services, now):
            done += processed
        return done

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()
        if self.acknowledger is not None:
            await self.acknowledger.close()
        if self.bot is not None:
            await self.bot.session.close()
        await self.api.close()
