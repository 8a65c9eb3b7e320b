"""A stored Telegram update -> who wrote and the neutral inbound event (None: nothing to do).

Only private chats are served; group and channel posts, service messages and update types we did not ask
for are ignored. Content the bot cannot use (voice, stickers, round videos, edits) becomes
Command("unsupported", kind) so the person is told what to send instead. `my_chat_member` in a private chat
is the person blocking the bot (status "kicked") or unblocking it ("member"): Reachability(False / True), so
they are marked unreachable when Telegram says so, not only after a send fails.
"""

from __future__ import annotations

from typing import Any

from aiogram.enums import ChatMemberStatus
from aiogram.types import (
    CallbackQuery,
    ChatMemberUpdated,
    Document,
    Message,
    PhotoSize,
    Update,
    User,
    Video,
)
from pydantic import ValidationError

from cdht.bot.telegram import callback_data
from cdht.conversations.inbound import Command, Contact, Inbound, Location, Media, Reachability, Text
from cdht.handlers.context import Sender
from cdht.handlers.menus import typed_command

CHANNEL = "telegram"
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
"""Always passed explicitly: when omitted, Telegram keeps whatever an earlier setWebhook/getUpdates asked."""

_UNSUPPORTED = {
    "voice": "voice",
    "audio": "voice",
    "sticker": "sticker",
    "animation": "sticker",
    "video_note": "video_note",
    "dice": "other",
    "poll": "other",
    "game": "other",
}


MAX_ID_DIGITS = 18  # Telegram's user and chat ids have at most 13; longer ones are not from Telegram


def _plausible_id(value: object) -> bool:
    return type(value) is int and abs(value) < 10**MAX_ID_DIGITS


def user_key(payload: dict[str, Any]) -> str:
    """The key that keeps one person's updates in order: the Telegram user id of whoever acted."""
    for value in payload.values():
        sender = value.get("from") if isinstance(value, dict) else None
        if isinstance(sender, dict) and _plausible_id(sender.get("id")):
            return str(sender["id"])
    return f"update:{payload.get('update_id')}"


def decode(payload: dict[str, Any]) -> tuple[Sender, Inbound] | None:
    try:
        update = Update.model_validate(payload)
    except ValidationError:
        return None
    decoded = _decode(update)
    if decoded is None:
        return None
    sender = decoded[0]
    if any(len(value.removeprefix("-")) > MAX_ID_DIGITS for value in (sender.external_id, sender.chat_id)):
        return None  # ids Telegram never gives (they would not even fit the database's columns)
    return decoded


def _decode(update: Update) -> tuple[Sender, Inbound] | None:
    if update.callback_query is not None:
        return _callback(update.callback_query)
    if update.message is not None:
        return _message(update.message)
    if update.edited_message is not None:
        edited = update.edited_message
        # A live location is a stream of edits: it is not a correction the person expects us to act on.
        user = edited.from_user
        if edited.location is not None or edited.chat.type != "private" or user is None:
            return None
        if edited.chat.id != user.id:
            return None
        return _sender(edited, user), Command("unsupported", "edited")
    if update.my_chat_member is not None:
        return _membership(update.my_chat_member)
    return None


def _sender(message: Message, user: User) -> Sender:
    return Sender(CHANNEL, str(user.id), str(message.chat.id), user.full_name)


def _callback(query: CallbackQuery) -> tuple[Sender, Inbound] | None:
    """Only taps on our messages in the tapper's own private chat (whose id is the user id) count."""
    message = query.message
    if message is not None and (message.chat.type != "private" or message.chat.id != query.from_user.id):
        return None
    button = callback_data.decode(query.data)
    if button is None:
        return None  # answered at once with "Nút này không còn dùng được" when it arrived
    sender = Sender(CHANNEL, str(query.from_user.id), str(query.from_user.id), query.from_user.full_name)
    return sender, button.action


_REACHABLE_BY_STATUS = {ChatMemberStatus.KICKED: False, ChatMemberStatus.MEMBER: True}
"""The bot's status in a private chat: the person blocked it, or unblocked it (Telegram sends no other)."""


def _membership(change: ChatMemberUpdated) -> tuple[Sender, Inbound] | None:
    """Only the person's own private chat counts (a group adding or removing the bot is not served)."""
    user = change.from_user
    if change.chat.type != "private" or user.is_bot or change.chat.id != user.id:
        return None
    reachable = _REACHABLE_BY_STATUS.get(change.new_chat_member.status)
    if reachable is None:
        return None
    return Sender(CHANNEL, str(user.id), str(change.chat.id), user.full_name), Reachability(reachable)


def _message(message: Message) -> tuple[Sender, Inbound] | None:
    user = message.from_user
    if message.chat.type != "private" or user is None or user.is_bot or message.chat.id != user.id:
        return None  # a private chat's id is its person's id: anything else is not from Telegram
    inbound = _content(message, user)
    return None if inbound is None else (_sender(message, user), inbound)


def _content(message: Message, user: User) -> Inbound | None:
    if message.contact is not None:
        return Contact(message.contact.phone_number, is_own=message.contact.user_id == user.id)
    if message.location is not None:
        return Location(message.location.latitude, message.location.longitude)
    for field, kind in _UNSUPPORTED.items():
        if getattr(message, field, None) is not None:  # before `document`: a GIF also carries one
            return Command("unsupported", kind)
    if message.photo:
        return _photo(message, max(message.photo, key=_area))
    item = message.document or message.video
    if item is not None:
        return _file(message, item)
    if message.text is not None:
        return _text(message.text)
    return None


def _area(size: PhotoSize) -> tuple[int, int]:
    return size.width * size.height, size.file_size or 0


def _photo(message: Message, largest: PhotoSize) -> Media:
    return Media(
        kind="photo",
        file_ref=largest.file_id,
        file_unique_id=largest.file_unique_id,
        mime_type="image/jpeg",
        size=largest.file_size,
        caption=message.caption,
        group_id=message.media_group_id,
    )


def _file(message: Message, item: Document | Video) -> Media:
    return Media(
        kind="document" if message.document is not None else "video",
        file_ref=item.file_id,
        file_unique_id=item.file_unique_id,
        mime_type=item.mime_type,
        size=item.file_size,
        caption=message.caption,
        file_name=item.file_name,
        group_id=message.media_group_id,
    )


def _text(text: str) -> Inbound:
    if not text.startswith("/"):
        return Text(text)
    word, _, rest = text.partition(" ")
    name = word[1:].split("@", 1)[0].lower()
    arg = rest.strip() or None
    command = typed_command(name, arg)
    return command or Text(text)  # /back, /skip, /sua 3 ... are the engine's own command words
