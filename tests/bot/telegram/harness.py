"""The bot under test: the real runner against the fake Bot API, on a demo database, with short timings."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from cdht.bot.composition import App, open_app
from cdht.bot.telegram.channel import TelegramChannel
from cdht.cli.app import DEMO_ROSTER
from cdht.config import Settings
from cdht.conversations.engine.session import Session
from cdht.handlers.admin.phones import normalise_phone
from cdht.handlers.admin.roster import import_roster
from cdht.pipeline.outbox import RetryPolicy
from cdht.pipeline.runner import Timing, run_channels, utc_now
from tests.fakes.telegram_api import TOKEN, FakeTelegramAPI
from tests.fakes.telegram_user import TelegramUser

YEAR = 2025
POLL_SECONDS = 1
FAST = Timing(
    idle_seconds=0.05,
    retry_seconds=0.1,
    shutdown_seconds=3.0,
    retry=RetryPolicy(first_delay=0.2, max_delay=1.0, max_attempts=3),
)
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


@asynccontextmanager
async def demo_app(settings: Settings) -> AsyncIterator[App]:
    async with open_app(settings) as application:
        await application.database.upgrade()
        async with application.uow() as uow:
            await import_roster(DEMO_ROSTER, uow, datetime(2025, 11, 1, tzinfo=UTC))
        yield application


class BotUnderTest:
    def __init__(
        self, app: App, api: FakeTelegramAPI, *, webhook: bool = False, timing: Timing = FAST
    ) -> None:
        self.app = app
        self.api = api
        self.webhook = webhook
        self.timing = timing
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def user(self, who: tuple[int, str, str]) -> TelegramUser:
        return TelegramUser(self.api, *who)

    async def start(self) -> None:
        self._stop = asyncio.Event()
        seen = len(self.api.calls)
        channel = TelegramChannel(
            self.app.settings,
            self.app.uow,
            utc_now,
            webhook=self.webhook,
            poll_timeout=POLL_SECONDS,
            retry_seconds=self.timing.retry_seconds,
        )
        self._task = asyncio.create_task(
            run_channels(
                self.app, [channel], timing=self.timing, stop=self._stop, install_signal_handlers=False
            )
        )
        ready = "setWebhook" if self.webhook else "getUpdates"
        await self.api.wait_until(lambda: any(c.method == ready for c in self.api.calls[seen:]))

    async def stop(self) -> None:
        if self._task is not None:
            self._stop.set()
            await asyncio.wait_for(self._task, 10)
            self._task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def send(self, *updates: dict[str, Any]) -> list[dict[str, Any]]:
        """Deliver updates (polling: queued at the fake; webhook: POSTed) and wait until all is handled."""
        delivered = []
        for update in updates:
            if self.webhook:
                update = {"update_id": int(time.monotonic_ns() % 10**9), **update}
                assert await self.api.post_to_webhook(update) == 200
                delivered.append(update)
            else:
                delivered.append(await self.api.push(update))
        await self.settle()
        return delivered

    async def settle(self, seconds: float = 10.0) -> None:
        """Wait until updates are confirmed, the inbox and outbox are empty, and the bot stopped calling."""
        deadline = time.monotonic() + seconds
        last = -1
        while time.monotonic() < deadline:
            calls = sum(1 for c in self.api.calls if c.method != "getUpdates")
            if calls == last and self.api.pending_updates == 0 and await self.pending() == (0, 0):
                return
            last = calls
            await asyncio.sleep(0.02)
        raise AssertionError(f"the bot did not settle: pending (inbox, outbox) = {await self.pending()}")

    async def pending(self) -> tuple[int, int]:
        async with self.app.database.engine.connect() as connection:
            inbox = await connection.scalar(text("SELECT count(*) FROM inbox WHERE status = 'pending'"))
            outbox = await connection.scalar(text("SELECT count(*) FROM outbox WHERE status = 'pending'"))
        return int(inbox or 0), int(outbox or 0)

    async def session_of(self, phone: str) -> Session | None:
        async with self.app.uow() as uow:
            person = await uow.people.by_phone(normalise_phone(phone) or phone)
            assert person is not None
            record = await uow.sessions.get(person.id, person.unit_id, YEAR, "village_head")
        return Session.model_validate(record.state) if record else None


@asynccontextmanager
async def running_bot(
    tmp_path: Path, *, webhook: bool = False, **overrides: Any
) -> AsyncIterator[BotUnderTest]:
    api = FakeTelegramAPI()
    await api.start()
    try:
        async with demo_app(settings_for(tmp_path / "data", api, **overrides)) as application:
            bot = BotUnderTest(application, api, webhook=webhook)
            await bot.start()
            try:
                yield bot
            finally:
                await bot.stop()
    finally:
        await api.close()


async def register(bot: BotUnderTest, who: tuple[int, str, str]) -> TelegramUser:
    person = bot.user(who)
    await bot.send(person.text("/start"), person.contact())
    assert any("Xin chào" in text for text in bot.api.texts(person.id)), bot.api.texts(person.id)
    return person
