"""Neutral outbound messages: what the core asks a channel to show. Channels decide how (buttons, numbered lines)."""

from __future__ import annotations

from dataclasses import dataclass

from cdht.conversations.inbound import Choice, Command


@dataclass(frozen=True)
class Button:
    label: str
    action: Choice | Command


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
