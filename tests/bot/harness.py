"""The bot under test, whatever its channel: the real runner with one channel against that channel's fake Bot API
over real HTTP, on a demo database, with short timings. Each channel's harness adds how its people and
updates look (`tests/bot/telegram/harness.py`, `tests/bot/zalo/harness.py`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import text

from cdht.bot.composition import App
from cdht.bot.serving import serve
from cdht.conversations.engine.session import Session
from cdht.handlers.admin.invites import new_code
from cdht.handlers.admin.phones import normalise_phone
from cdht.pipeline.channel import Channel
from cdht.pipeline.outbox import RetryPolicy
from cdht.pipeline.runner import Timing
from tests.fakes.clock import SYSTEM_CLOCK, Clock
from tests.fakes.http_server import FakeBotAPI
from tests.support import YEAR

POLL_SECONDS = 1
FAST = Timing(
    idle_seconds=0.05,
    retry_seconds=0.1,
    shutdown_seconds=3.0,
    retry=RetryPolicy(first_delay=0.2, max_delay=1.0, max_attempts=3),
)


class Person(Protocol):
    id: Any

    def text(self, text: str) -> dict[str, Any]: ...


PersonT = TypeVar("PersonT", bound=Person)
APIT = TypeVar("APIT", bound=FakeBotAPI[Any])


class BotUnderTest(Generic[APIT, PersonT]):
    """Start, stop and restart the runner; deliver updates the way the platform does (queued for polling or
    POSTed to the webhook) and wait until the bot has handled them (`send`, `say`, `settle`)."""

    channel_type: ClassVar[Callable[..., Channel]]
    quiet_seconds: ClassVar[float] = 0.02  # no new call for this long (with nothing pending): settled
    fast: ClassVar[Timing] = FAST  # the timings unless a test gives its own

    def __init__(
        self,
        app: App,
        api: APIT,
        *,
        webhook: bool = False,
        timing: Timing | None = None,
        background: bool = True,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.app = app
        self.api = api
        self.webhook = webhook
        self.timing = timing or self.fast
        self.background = background  # whether this runner also runs the jobs and the scheduler
        self.clock = clock
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # ---- what each channel says ------------------------------------------------------------------
    def user(self, who: tuple[Any, str, str]) -> PersonT:
        raise NotImplementedError

    async def deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Hand one update to the bot as the platform does; the update as delivered."""
        raise NotImplementedError

    async def delivered(self, updates: list[dict[str, Any]]) -> None:
        """Wait until the bot holds these updates (nothing to wait for where the fake keeps them until then)."""

    # ---- lifecycle -------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        self._stop = asyncio.Event()
        seen = len(self.api.calls)
        channel = self.channel_type(
            self.app.settings,
            self.app.uow,
            self.clock,
            webhook=self.webhook,
            poll_timeout=POLL_SECONDS,
            retry_seconds=self.timing.retry_seconds,
            files=self.app.files,
        )
        self._task = asyncio.create_task(
            serve(
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

    # ---- chatting --------------------------------------------------------------------------------
    async def send(self, *updates: dict[str, Any]) -> list[dict[str, Any]]:
        """Deliver updates and wait until all is handled; the updates as delivered."""
        delivered = [await self.deliver(update) for update in updates]
        await self.delivered(delivered)
        await self.settle()
        return delivered

    async def say(self, person: PersonT, *lines: str) -> list[str]:
        """What the bot answered (texts sent to this person's chat) after these lines, one at a time."""
        before = len(self.api.texts(person.id))
        for line in lines:
            await self.send(person.text(line))
        return self.api.texts(person.id)[before:]

    async def settle(self, seconds: float = 15.0) -> None:
        """Wait until updates are taken, the inbox, outbox and jobs are empty, and the bot stopped calling."""
        deadline = SYSTEM_CLOCK.monotonic() + seconds
        last = -1
        while SYSTEM_CLOCK.monotonic() < deadline:
            calls = sum(1 for c in self.api.calls if c.method != "getUpdates")
            if calls == last and self.api.pending_updates == 0 and await self.pending() == (0, 0, 0):
                return
            last = calls
            await asyncio.sleep(self.quiet_seconds)
        raise AssertionError(
            f"the bot did not settle: pending (inbox, outbox, jobs) = {await self.pending()}"
        )

    async def pending(self) -> tuple[int, int, int]:
        """Inbox rows, outbox rows and jobs not done yet."""
        async with self.app.database.engine.connect() as connection:
            inbox = await connection.scalar(text("SELECT count(*) FROM inbox WHERE status = 'pending'"))
            outbox = await connection.scalar(text("SELECT count(*) FROM outbox WHERE status = 'pending'"))
            jobs = await connection.scalar(
                text("SELECT count(*) FROM jobs WHERE status IN ('pending', 'running')")
            )
        return int(inbox or 0), int(outbox or 0), int(jobs or 0)

    # ---- the database ----------------------------------------------------------------------------
    async def invite(self, phone: str) -> str:
        """A one-time code, as `cdht invite PHONE` makes it."""
        now = self.clock()
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
