"""The console channel (a `cdht.pipeline.channel.Channel`): the same intake -> inbox loop -> outbox path as
Telegram and Zalo, typed in a terminal. Each typed line is handled at once: stored, the inbox processed, the
jobs run, and what the outbox holds for this chat delivered to the screen.

Typing a number picks the numbered option of the last message; `/photo PATH` and `/file PATH` send
evidence from a local file, `/location LAT,LON` a location, `/contact` the person's own phone number.
"""

from __future__ import annotations

import asyncio
import mimetypes
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cdht.bot.app_links import AppLinkSigner, app_link_lines, open_links
from cdht.bot.composition import App
from cdht.bot.numbered import number_buttons
from cdht.conversations.inbound import Choice, Command, Contact, Inbound, Location, Media, Text
from cdht.conversations.outbound import FileRef
from cdht.handlers.context import Sender, Services
from cdht.handlers.ports import FileStore, OutboxRecord, PersonRecord
from cdht.handlers.wire import inbound_from_json, inbound_to_json, outbound_from_json
from cdht.pipeline.background import drain_jobs
from cdht.pipeline.inbox import process_batch
from cdht.pipeline.intake import Intake, RawUpdate

CHANNEL = "console"
COMMANDS = {"/back": "back", "/skip": "skip", "/summary": "summary", "/done": "done"}
SLASH = re.compile(r"^/([a-z_]{2,32})(?:\s+(.*))?$", re.DOTALL)
QUIT = ("/quit", "/exit")
GOODBYE = "Tạm biệt! Các câu trả lời đã được lưu; lần sau sẽ tiếp tục từ chỗ dừng."


def decode(payload: dict[str, Any]) -> tuple[Sender, Inbound] | None:
    sender = Sender(**payload["sender"])
    return sender, inbound_from_json(payload["event"])


def _raw_update(payload: dict[str, Any]) -> RawUpdate:
    return RawUpdate(uuid.uuid4().hex, payload["sender"]["external_id"], payload)


def read_line(prompt: str) -> str | None:
    """A line typed in the terminal; None at the end of input."""
    try:
        return input(prompt)
    except EOFError:
        return None


class LocalFileFetcher:
    """On the console a 'file id' is a path on this machine."""

    async def fetch(self, media: Media) -> bytes | None:
        return await asyncio.to_thread(self._read, Path(media.file_ref))

    @staticmethod
    def _read(path: Path) -> bytes | None:
        return path.read_bytes() if path.is_file() else None


class ConsoleTransport:
    """Delivers to the screen: a message becomes printed lines, its options numbered (typing a number picks
    one, see `ConsoleChannel.to_inbound`)."""

    def __init__(
        self,
        files: FileStore,
        folder: Path,
        *,
        app_links: AppLinkSigner | None = None,
        timezone: str = "Asia/Ho_Chi_Minh",
    ) -> None:
        """`folder`: where an attached file is written under its name, for the person at the console to open.
        `app_links`: signs the links to Mini App pages (None: the Mini App is off, its pages are left out)."""
        self.actions: dict[str, Choice] = {}
        self._printed: list[str] = []
        self._files = files
        self._folder = folder
        self._app_links = app_links
        self._zone = ZoneInfo(timezone)

    def is_group(self, chat_id: str) -> bool:
        return False

    async def send(self, row: OutboxRecord, person: PersonRecord | None) -> str:
        message = outbound_from_json(row.payload)
        path = None
        if message.attachment is not None:
            path = await asyncio.to_thread(self._write, message.attachment)
        links = app_link_lines(
            message, self._app_links, None if person is None else person.id, CHANNEL, self._zone
        )
        numbered = number_buttons(message, str(path) if path else None, links)
        self.actions = numbered.actions
        self._printed.append(numbered.text)
        return f"console-{row.id}"

    def _write(self, stored: FileRef) -> Path:
        target = self._folder / stored.name.replace("/", "-").replace("\\", "-")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(self._files.read_bytes(stored.sha256))
        return target

    def printed(self) -> list[str]:
        """What was delivered since the last call."""
        printed, self._printed = self._printed, []
        return printed


class ConsoleChannel:
    name = CHANNEL

    def __init__(
        self,
        app: App,
        services: Services,
        person: PersonRecord,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._app = app
        self._services = services
        self._person = person
        self._clock = clock
        self._sender = Sender(CHANNEL, f"console:{person.phone}", f"console:{person.phone}", person.name)
        self.transport = ConsoleTransport(
            services.files,
            services.exports_dir,
            app_links=open_links(app.settings),
            timezone=services.timezone,
        )
        self.fetcher = services.fetcher
        self.intake = Intake(CHANNEL, app.uow, clock, read=_raw_update)

    def decode(self, payload: dict[str, Any]) -> tuple[Sender, Inbound] | None:
        return decode(payload)

    async def start(self) -> None:
        pass

    async def receive(self, stop: asyncio.Event) -> None:
        """The terminal: each typed line is handled and its replies printed, until `stop`, /quit or the end of
        input."""
        while not stop.is_set():
            line = await asyncio.to_thread(read_line, "\n> ")
            if line is None or line.strip() in QUIT:
                print(GOODBYE)
                return
            if not line.strip():
                continue
            for text in await self.send(line):
                print(f"\n{text}")

    async def close(self) -> None:
        pass

    def to_inbound(self, line: str) -> Inbound:
        text = line.strip()
        if text in self.transport.actions:
            return self.transport.actions[text]
        word, _, rest = text.partition(" ")
        if word in COMMANDS:
            return Command(COMMANDS[word], rest.strip() or None)
        if word in ("/photo", "/file") and rest.strip():
            path = Path(rest.strip()).expanduser()
            mime, _ = mimetypes.guess_type(path.name)
            return Media(
                kind="photo" if word == "/photo" else "document",
                file_ref=str(path),
                mime_type=mime,
                file_name=path.name,
            )
        if word == "/location":
            try:
                latitude, longitude = (float(part) for part in rest.replace(" ", "").split(","))
                return Location(latitude, longitude)
            except ValueError:
                return Text(text)
        if word == "/contact":
            return Contact(self._person.phone, is_own=True)
        slash = SLASH.match(text)
        if slash:
            return Command(slash.group(1), (slash.group(2) or "").strip() or None)
        return Text(text)

    async def send(self, line: str) -> list[str]:
        """Deliver one typed line and return what the bot answers, as printed lines."""
        return await self.send_event(self.to_inbound(line))

    async def send_event(self, inbound: Inbound) -> list[str]:
        await self.intake.store([{"sender": self._sender.__dict__, "event": inbound_to_json(inbound)}])
        while await process_batch(self._app.batch_uow, {CHANNEL: self.decode}, self._services, self._clock):
            pass
        await drain_jobs(self._app.uow, self._services, self._clock)
        return await self._deliver()

    async def notices(self) -> list[str]:
        """What others sent this person meanwhile (notifications, broadcasts, finished jobs)."""
        await drain_jobs(self._app.uow, self._services, self._clock)
        return await self._deliver()

    async def _deliver(self) -> list[str]:
        """This chat's due messages, through the transport; another console person's wait for their turn."""
        async with self._app.uow() as uow:
            for row in await uow.outbox.due(CHANNEL, self._clock(), limit=1000):
                if row.chat_id == self._sender.chat_id:
                    message_id = await self.transport.send(row, self._person)
                    await uow.outbox.mark_sent(row.id, message_id, self._clock(), sent_payload=row.payload)
            await uow.commit()
        return self.transport.printed()
