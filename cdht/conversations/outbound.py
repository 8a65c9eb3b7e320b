"""Neutral outbound messages: what the core asks a channel to show. Channels decide how (buttons, numbered lines)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from cdht.conversations.inbound import Choice, Command

AppPage = Literal["progress", "review", "dossier"]
APP_PAGES: tuple[AppPage, ...] = ("progress", "review", "dossier")


@dataclass(frozen=True)
class OpenApp:
    """A Mini App page of a unit: a web_app button on Telegram, a signed link on Zalo and the console."""

    page: AppPage
    unit: str | None = None  # a unit code; None: the person's own unit

    def __post_init__(self) -> None:
        if self.page not in APP_PAGES:
            raise ValueError(f"not a Mini App page: {self.page!r}")

    @property
    def path(self) -> str:
        """`/app/progress` or `/app/progress/DEMO-SH-X1`."""
        base = f"/app/{self.page}"
        return f"{base}/{quote(self.unit, safe='')}" if self.unit else base


@dataclass(frozen=True)
class Button:
    label: str
    action: Choice | Command | OpenApp


@dataclass(frozen=True)
class FileRef:
    """A file in the file store as a message names it: the content's sha256 (its id in the store), the name
    people see and its media type. Any worker reaches it through the store, wherever it was made."""

    sha256: str
    name: str
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class OutboundMessage:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachment: FileRef | None = None
    attachment_kind: str | None = None  # "photo" | "document"
    edit_key: str | None = None  # messages with the same key may be edited in place where the channel can
    request_contact: bool = False  # offer a 'share my phone number' button where the channel has one
