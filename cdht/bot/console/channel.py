"""The console channel: the same inbox -> handler -> outbox path as Telegram and Zalo, typed in a terminal.

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

from cdht.bot.background import drain_inbox, drain_jobs
from cdht.bot.numbered import number_buttons
from cdht.conversations.inbound import Choice, Command, Contact, Inbound, Location, Media, Text
from cdht.handlers.context import Sender, Services
from cdht.handlers.ports import PersonRecord, UnitOfWorkFactory
from cdht.handlers.wire import inbound_from_json, inbound_to_json, outbound_from_json

CHANNEL = "console"
COMMANDS = {"/back": "back", "/skip": "skip", "/summary": "summary", "/done": "done"}
SLASH = re.compile(r"^/([a-z_]{2,32})(?:\s+(.*))?$", re.DOTALL)


def decode(payload: dict[str, Any]) -> tuple[Sender, Inbound] | None:
    sender = Sender(**payload["sender"])
    return sender, inbound_from_json(payload["event"])


class LocalFileFetcher:
    """On the console a 'file id' is a path on this machine."""

    async def fetch(self, media: Media) -> bytes | None:
        return await asyncio.to_thread(self._read, Path(media.file_ref))

    @staticmethod
    def _read(path: Path) -> bytes | None:
        return path.read_bytes() if path.is_file() else None


class ConsoleChannel:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        services: Services,
        person: PersonRecord,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._uow_factory = uow_factory
        self._services = services
        self._person = person
        self._clock = clock
        self._sender = Sender(CHANNEL, f"console:{person.phone}", f"console:{person.phone}", person.name)
        self._actions: dict[str, Choice] = {}

    def to_inbound(self, line: str) -> Inbound:
        text = line.strip()
        if text in self._actions:
            return self._actions[text]
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
        payload = {"sender": self._sender.__dict__, "event": inbound_to_json(inbound)}
        async with self._uow_factory() as uow:
            await uow.inbox.add(CHANNEL, uuid.uuid4().hex, self._sender.external_id, payload, self._clock())
            await uow.commit()
        await drain_inbox(self._uow_factory, {CHANNEL: decode}, self._services, self._clock)
        await drain_jobs(self._uow_factory, self._services, self._clock)
        return await self._deliver()

    async def receive(self) -> list[str]:
        """What others sent this person meanwhile (notifications, broadcasts, finished jobs)."""
        await drain_jobs(self._uow_factory, self._services, self._clock)
        return await self._deliver()

    async def _deliver(self) -> list[str]:
        printed = []
        async with self._uow_factory() as uow:
            for row in await uow.outbox.due(CHANNEL, self._clock(), limit=1000):
                if row.chat_id != self._sender.chat_id:
                    continue
                numbered = number_buttons(outbound_from_json(row.payload))
                self._actions = numbered.actions
                printed.append(numbered.text)
                await uow.outbox.mark_sent(
                    row.id, f"console-{row.id}", self._clock(), sent_payload=row.payload
                )
            await uow.commit()
        return printed
