"""A stored Zalo update -> who wrote and the neutral inbound event (None: nothing to do).

Zalo bots chat in private only; anything else, and messages from bots, are ignored. A number (or an option's
text) typed in answer to a numbered list was resolved when the update was stored (see `numbered_choices`) and
travels in the payload under RESOLVED_KEY; the raw update itself is kept as Zalo sent it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from cdht.bot.zalo.models import (
    IMAGE_RECEIVED,
    STICKER_RECEIVED,
    TEXT_RECEIVED,
    ZaloMessage,
    ZaloUpdate,
)
from cdht.conversations.inbound import Command, Inbound, Media, Text
from cdht.handlers.context import Sender
from cdht.handlers.menus import typed_command
from cdht.handlers.wire import WireError, inbound_from_json

CHANNEL = "zalo"
RESOLVED_KEY = "cdht_resolved"  # added by the intake: the numbered option a typed answer picked


def parse_update(payload: dict[str, Any]) -> ZaloUpdate | None:
    try:
        return ZaloUpdate.model_validate(payload)
    except ValidationError:
        return None


def user_key(update: ZaloUpdate) -> str:
    """Keeps one person's updates in order: the Zalo user id of the sender."""
    message = update.message
    return f"zalo:{message.from_user.id}" if message is not None else f"zalo-event:{update.external_id}"


def decode(payload: dict[str, Any]) -> tuple[Sender, Inbound] | None:
    update = parse_update(payload)
    if update is None or update.message is None:
        return None
    message = update.message
    if not message.chat.is_private or message.from_user.is_bot:
        return None
    inbound = _content(update.event_name, message, payload.get(RESOLVED_KEY))
    if inbound is None:
        return None
    user = message.from_user
    return Sender(CHANNEL, user.id, message.chat.id, user.shown_name), inbound


def _content(event_name: str, message: ZaloMessage, resolved: object) -> Inbound | None:
    if event_name == TEXT_RECEIVED:
        if isinstance(resolved, dict):
            try:
                return inbound_from_json(resolved)
            except WireError:
                pass
        return typed(message.text or "")
    if event_name == IMAGE_RECEIVED:
        url = message.image_url()
        if url is None:
            return Command("unsupported", "other")
        return Media(
            kind="photo",
            file_ref=url,
            file_unique_id=f"zalo:{message.message_id}",
            caption=message.caption or message.text or None,
        )
    if event_name == STICKER_RECEIVED:
        return Command("unsupported", "sticker")
    if event_name.startswith("message."):
        return Command("unsupported", "other")
    return None


def typed(text: str) -> Inbound | None:
    """Text as typed: `/tiendo X1` is a menu command, `/start CODE` registration, anything else text."""
    text = text.strip()
    if not text:
        return None
    if not text.startswith("/"):
        return Text(text)
    word, _, rest = text.partition(" ")
    command = typed_command(word[1:].lower(), rest.strip() or None)
    return command or Text(text)  # /back, /skip, /sua 3 ... are the engine's own command words
