"""The Zalo bot under test: the real runner against the fake Zalo Bot API, on a demo database, with its own
HTTP server (webhook and signed file links) on a free local port, and short timings."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from cdht.bot.composition import App, open_app
from cdht.bot.zalo.channel import ZaloChannel
from cdht.cli.app import DEMO_ROSTER
from cdht.config import Settings
from cdht.conversations.engine.session import Session
from cdht.handlers.admin.invites import new_code
from cdht.handlers.admin.phones import normalise_phone
from cdht.handlers.admin.roster import import_roster
from cdht.pipeline.outbox import RetryPolicy
from cdht.pipeline.runner import Timing, run_channels, utc_now
from tests.fakes.zalo_api import TOKEN, FakeZaloAPI, ZaloUser

YEAR = 2025
WEBHOOK_SECRET = "zalo-webhook-secret-42"
POLL_SECONDS = 1
FAST = Timing(
    idle_seconds=0.05,
    retry_seconds=0.1,
    tick_seconds=3600.0,
    shutdown_seconds=3.0,
    retry=RetryPolicy(first_delay=0.2, max_delay=1.0, max_attempts=3),
)
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


@asynccontextmanager
async def demo_app(settings: Settings) -> AsyncIterator[App]:
    async with open_app(settings) as application:
        await application.database.upgrade()
        async with application.uow() as uow:
            await import_roster(DEMO_ROSTER, uow, datetime(2025, 11, 1, tzinfo=UTC))
        yield application


class ZaloBotUnderTest:
    def __init__(
        self,
        app: App,
        api: FakeZaloAPI,
        *,
        webhook: bool = False,
        timing: Timing = FAST,
        background: bool = True,
    ) -> None:
        self.app = app
        self.api = api
        self.webhook = webhook
        self.timing = timing
        self.background = background
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def user(self, who: tuple[str, str, str]) -> ZaloUser:
        return ZaloUser(self.api, *who)

    async def start(self) -> None:
        self._stop = asyncio.Event()
        seen = len(self.api.calls)
        channel = ZaloChannel(
            self.app.settings,
            self.app.uow,
            utc_now,
            webhook=self.webhook,
            poll_timeout=POLL_SECONDS,
            retry_seconds=self.timing.retry_seconds,
        )
        self._task = asyncio.create_task(
            run_channels(
                self.app,
                [channel],
                timing=self.timing,
                stop=self._stop,
                install_signal_handlers=False,
                background=self.background,
            )
        )
        ready = "setWebhook" if self.webhook else "getUpdates"
        await self.api.wait_until(lambda: any(c.method == ready for c in self.api.calls[seen:]))

    async def stop(self) -> None:
        if self._task is not None:
            self._stop.set()
            await self.api.end_polls()  # the runner waits for its poll in flight: end it now
            await asyncio.wait_for(self._task, 10)
            self._task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def send(self, *updates: dict[str, Any]) -> None:
        """Deliver updates (polling: queued at the fake; webhook: POSTed) and wait until all is handled."""
        for update in updates:
            if self.webhook:
                assert await self.api.post_to_webhook(update) == 200
            else:
                await self.api.push(update)
        for update in updates:  # a polled update is gone from the fake before it is in our inbox
            await self.stored(f"{update['event_name']}:{update['message']['message_id']}")
        await self.settle()

    async def stored(self, external_id: str, seconds: float = 5.0) -> None:
        deadline = time.monotonic() + seconds
        query = text("SELECT count(*) FROM inbox WHERE channel = 'zalo' AND external_id = :id")
        while time.monotonic() < deadline:
            async with self.app.database.engine.connect() as connection:
                if await connection.scalar(query, {"id": external_id}):
                    return
            await asyncio.sleep(0.02)
        raise AssertionError(f"update {external_id} never reached the inbox")

    async def say(self, person: ZaloUser, *lines: str) -> list[str]:
        """What the bot answered (texts sent to this person's chat) after these lines, one at a time."""
        before = len(self.api.texts(person.id))
        for line in lines:
            await self.send(person.text(line))
        return self.api.texts(person.id)[before:]

    async def settle(self, seconds: float = 15.0) -> None:
        """Wait until updates are taken, the inbox, outbox and jobs are empty, and the bot stopped calling."""
        deadline = time.monotonic() + seconds
        last = -1
        while time.monotonic() < deadline:
            calls = sum(1 for c in self.api.calls if c.method != "getUpdates")
            if calls == last and self.api.pending_updates == 0 and await self.pending() == (0, 0, 0):
                return
            last = calls
            await asyncio.sleep(0.04)
        raise AssertionError(
            f"the bot did not settle: pending (inbox, outbox, jobs) = {await self.pending()}"
        )

    async def pending(self) -> tuple[int, int, int]:
        async with self.app.database.engine.connect() as connection:
            inbox = await connection.scalar(text("SELECT count(*) FROM inbox WHERE status = 'pending'"))
            outbox = await connection.scalar(text("SELECT count(*) FROM outbox WHERE status = 'pending'"))
            jobs = await connection.scalar(
                text("SELECT count(*) FROM jobs WHERE status IN ('pending', 'running')")
            )
        return int(inbox or 0), int(outbox or 0), int(jobs or 0)

    async def invite(self, phone: str) -> str:
        """A one-time code, as `cdht invite PHONE` makes it."""
        now = datetime.now(UTC)
        async with self.app.uow() as uow:
            person = await uow.people.by_phone(normalise_phone(phone) or phone)
            assert person is not None, phone
            code = new_code()
            await uow.invites.create(code, person.id, now, now + timedelta(days=14))
            await uow.commit()
        return code

    async def session_of(self, phone: str, questionnaire: str = "village_head") -> Session | None:
        async with self.app.uow() as uow:
            person = await uow.people.by_phone(normalise_phone(phone) or phone)
            assert person is not None
            record = await uow.sessions.get(person.id, person.unit_id, YEAR, questionnaire)
        return Session.model_validate(record.state) if record else None


@asynccontextmanager
async def running_zalo_bot(
    tmp_path: Path, *, webhook: bool = False, **overrides: Any
) -> AsyncIterator[ZaloBotUnderTest]:
    api = FakeZaloAPI()
    await api.start()
    try:
        async with demo_app(settings_for(tmp_path / "data", api, **overrides)) as application:
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
