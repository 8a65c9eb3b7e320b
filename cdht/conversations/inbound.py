"""Neutral inbound events: what any channel (Telegram, Zalo, console) turns a person's action into."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from cdht.conversations.parsing.clean_text import clean_line, clean_text


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Choice:
    """A tapped option button (or a numbered option picked on a channel without buttons)."""

    question_id: str
    code: str


@dataclass(frozen=True)
class Command:
    """A named action: start, back, skip, later, summary, edit (arg = answer number), done, menu, ..."""

    name: str
    arg: str | None = None


MediaKind = Literal["photo", "document", "video"]


@dataclass(frozen=True)
class Media:
    """A photo or file sent as evidence; `file_ref` is the channel's file id until the media step stores it."""

    kind: MediaKind
    file_ref: str
    sha256: str | None = None
    mime_type: str | None = None
    size: int | None = None
    caption: str | None = None
    file_name: str | None = None
    group_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    taken_at: datetime | None = None
    file_unique_id: str | None = None  # the channel's stable id of the file, where it has one (Telegram)


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Contact:
    phone: str
    is_own: bool


@dataclass(frozen=True)
class Reachability:
    """The channel says whether the person can be written to: they blocked the bot (False) or unblocked it
    (True). Nothing is answered: a person who blocked the bot cannot receive it."""

    reachable: bool


Inbound = Text | Choice | Command | Media | Location | Contact | Reachability


def cleaned(event: Inbound) -> Inbound:
    """The event with the text a person wrote cleaned (`clean_text`: no NUL or other control, bidirectional
    or invisible characters; NFC): what they typed, a command's argument, a caption, a file name. Ids and
    file references are the channel's own and stay as they are. Every channel's events pass here once, in
    the inbox (`cdht.pipeline.inbox`), before any handler stores or shows them."""
    if isinstance(event, Text):
        return Text(clean_text(event.text))
    if isinstance(event, Command):
        return event if event.arg is None else Command(event.name, clean_text(event.arg))
    if isinstance(event, Choice):
        return Choice(clean_line(event.question_id), clean_line(event.code))
    if isinstance(event, Media):
        return replace(
            event,
            caption=None if event.caption is None else clean_text(event.caption),
            file_name=None if event.file_name is None else clean_line(event.file_name),
            mime_type=None if event.mime_type is None else clean_line(event.mime_type),
        )
    if isinstance(event, Contact):
        return Contact(clean_line(event.phone), event.is_own)
    return event
