"""Delivering one outbox row to Telegram: plain text (never parsed as HTML, so nothing needs escaping) split
under 4096 characters, keyboards, photos and documents, and edits in place.

A message with an edit key replaces the earlier message with that key only while that message is still the
newest one this process sent to the chat: a multiple-choice question re-drawn after a tap changes in place,
but a question asked again after other messages appears at the bottom, where the person is looking.
Telegram errors become the outbox sender's failure kinds (429 retry, 403 unreachable, 5xx temporary).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message, ReplyKeyboardRemove

from cdht.bot.telegram.chat_menus import ChatMenus
from cdht.bot.telegram.keyboards import Markup, reply_markup
from cdht.bot.telegram.responses import RESPONSE_MODELS
from cdht.conversations.outbound import FileRef, OutboundMessage
from cdht.conversations.render.replies import split_text
from cdht.handlers.ports import FileStore, MissingFile, OutboxRecord, PersonRecord
from cdht.handlers.wire import WireError, outbound_from_json
from cdht.pipeline.transport import PermanentFailure, RecipientUnreachable, RetryAfter, TemporaryFailure

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class _Shown:
    message_id: int
    edit_key: str | None


class TelegramTransport:
    response_models = RESPONSE_MODELS  # held for the life of the transport (see responses.py)

    def __init__(self, bot: Bot, menus: ChatMenus, files: FileStore, *, app_url: str | None = None) -> None:
        """`app_url`: the Mini App's public HTTPS base, for its web_app buttons; None when it is off."""
        self._bot = bot
        self._menus = menus
        self._files = files
        self._app_url = app_url
        self._newest: dict[str, _Shown] = {}
        self._keyboard_settled: set[str] = set()  # chats where no registration keyboard can be showing

    def is_group(self, chat_id: str) -> bool:
        return chat_id.startswith("-")

    async def send(self, row: OutboxRecord, person: PersonRecord | None) -> str | None:
        try:
            message = outbound_from_json(row.payload)
        except (WireError, KeyError, TypeError) as error:
            raise PermanentFailure(f"unreadable outbox payload: {error}") from error
        try:
            if person is not None:
                await self._menus.ensure(row.chat_id, person.role)
            sent = await self._deliver(row.chat_id, message, row.edit_key or message.edit_key, person)
        except TelegramRetryAfter as error:
            raise RetryAfter(error.retry_after, error.message) from error
        except TelegramForbiddenError as error:
            raise RecipientUnreachable(error.message) from error
        except (TelegramBadRequest, TelegramEntityTooLarge, TelegramMigrateToChat) as error:
            raise PermanentFailure(error.message) from error
        except TelegramAPIError as error:  # 5xx, network errors and timeouts, and anything unexpected
            raise TemporaryFailure(str(error)) from error
        return None if sent is None else str(sent)

    async def _deliver(
        self, chat_id: str, message: OutboundMessage, edit_key: str | None, person: PersonRecord | None
    ) -> int | None:
        if message.request_contact:
            self._keyboard_settled.discard(chat_id)
        remove = person is not None and chat_id not in self._keyboard_settled
        markup = reply_markup(
            message, remove_reply_keyboard=remove, app_url=self._app_url, private=not self.is_group(chat_id)
        )
        if message.attachment is not None:
            sent = await self._send_attachment(chat_id, message, message.attachment, markup)
        else:
            edited = await self._edit_in_place(chat_id, message, edit_key, markup)
            if edited is not None:
                return edited
            sent = await self._send_text(chat_id, message.text, markup)
        if isinstance(markup, ReplyKeyboardRemove):
            self._keyboard_settled.add(chat_id)
        if sent is not None:
            self._newest[chat_id] = _Shown(sent.message_id, edit_key)
        return None if sent is None else sent.message_id

    async def _edit_in_place(
        self, chat_id: str, message: OutboundMessage, edit_key: str | None, markup: Markup | None
    ) -> int | None:
        shown = self._newest.get(chat_id)
        if edit_key is None or shown is None or shown.edit_key != edit_key:
            return None
        if len(message.text) > TEXT_LIMIT or not isinstance(markup, InlineKeyboardMarkup | None):
            return None
        try:
            await self._bot.edit_message_text(
                text=message.text, chat_id=int(chat_id), message_id=shown.message_id, reply_markup=markup
            )
        except TelegramBadRequest as error:
            if "not modified" in error.message:
                return shown.message_id
            return None  # deleted, too old to edit, ...: send it as a new message instead
        return shown.message_id

    async def _send_text(self, chat_id: str, text: str, markup: Markup | None) -> Message | None:
        chunks = [chunk for chunk in split_text(text, TEXT_LIMIT) if chunk.strip()]
        sent = None
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            sent = await self._bot.send_message(int(chat_id), chunk, reply_markup=markup if last else None)
        return sent

    async def _send_attachment(
        self, chat_id: str, message: OutboundMessage, stored: FileRef, markup: Markup | None
    ) -> Message | None:
        try:  # from the file store, wherever it was made: off the event loop (the database store: its thread)
            content = await asyncio.to_thread(self._files.read_bytes, stored.sha256)
        except (MissingFile, ValueError) as error:
            raise PermanentFailure(f"attachment missing: {stored.sha256} ({stored.name})") from error
        caption = message.text if len(message.text) <= CAPTION_LIMIT else None
        if caption is None:
            await self._send_text(chat_id, message.text, None)
        upload = BufferedInputFile(content, filename=stored.name)
        if message.attachment_kind == "photo":
            return await self._bot.send_photo(int(chat_id), upload, caption=caption, reply_markup=markup)
        return await self._bot.send_document(int(chat_id), upload, caption=caption, reply_markup=markup)
