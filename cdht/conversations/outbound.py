"""Neutral outbound messages: what the core asks a channel to show. Channels decide how (buttons, numbered lines)."""

from __future__ import annotations

from dataclasses import dataclass

from cdht.conversations.inbound import Choice, Command


@dataclass(frozen=True)
class Button:
    label: str
    action: Choice | Command


@dataclass(frozen=True)
class OutboundMessage:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachment_path: str | None = None
    attachment_kind: str | None = None  # "photo" | "document"
    edit_key: str | None = None  # messages with the same key may be edited in place where the channel can
    request_contact: bool = False  # offer a 'share my phone number' button where the channel has one
