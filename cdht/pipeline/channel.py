"""What a channel brings to the pipeline. Telegram, Zalo and the console implement `Channel`; the runner
needs nothing else from them."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from cdht.conversations.inbound import Inbound
from cdht.handlers.context import MediaFetcher, Sender
from cdht.pipeline.intake import Intake
from cdht.pipeline.transport import Transport


class Decoder(Protocol):
    """A channel's mapping of its stored raw update to a sender and a neutral event (None: ignore it)."""

    def __call__(self, payload: dict[str, Any]) -> tuple[Sender, Inbound] | None: ...


class Channel(Protocol):
    @property
    def name(self) -> str:
        """The inbox's and the outbox's name for this channel ("telegram", "zalo", "console")."""
        ...

    @property
    def intake(self) -> Intake:
        """Where `receive` stores what arrives."""
        ...

    @property
    def transport(self) -> Transport:
        """How the outbox sender delivers one message."""
        ...

    @property
    def fetcher(self) -> MediaFetcher:
        """How the handlers download a photo or file a person sent."""
        ...

    def decode(self, payload: dict[str, Any]) -> tuple[Sender, Inbound] | None:
        """A stored raw update -> who wrote and the neutral event (None: nothing to do)."""
        ...

    async def start(self) -> None:
        """Check the token and set what the platform shows (menus), before anything runs."""
        ...

    async def receive(self, stop: asyncio.Event) -> None:
        """Store arriving updates through `intake` (long polling or a webhook) until `stop` is set."""
        ...

    async def close(self) -> None: ...
