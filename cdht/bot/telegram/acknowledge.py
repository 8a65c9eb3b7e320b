"""What Telegram wants right after an update is stored, outside the outbox: every button tap answered
(answerCallbackQuery stops the spinner; a button we cannot read gets "Nút này không còn dùng được"), the tapped
message's keyboard dropped so stale buttons disappear, and "typing…" while a file is fetched and stored.

These calls are made directly, after the inbox commit, in background tasks: they are acknowledgements of a tap,
worthless a minute later, so queueing them behind rate-limited replies would only delay them. If the process
dies first, nothing is lost but a spinner that stops by itself. A toggle of a multiple-choice question keeps its
keyboard: the question is redrawn in place by the outbox sender.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from cdht.bot.telegram import callback_data

log = structlog.get_logger(__name__)

STALE_BUTTON = "Nút này không còn dùng được"
_SLOW_CONTENT = ("photo", "document", "video")


class Acknowledger:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self._tasks: set[asyncio.Task[None]] = set()

    def after_commit(self, payload: dict[str, Any]) -> None:
        query = payload.get("callback_query")
        if isinstance(query, dict):
            self._spawn(self._answer_tap(query))
        message = payload.get("message")
        if isinstance(message, dict) and _private(message) and any(k in message for k in _SLOW_CONTENT):
            self._spawn(self._bot.send_chat_action(message["chat"].get("id"), "typing"))

    async def close(self, grace_seconds: float = 5.0) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=grace_seconds)
        for task in set(self._tasks):
            task.cancel()

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.create_task(_quietly(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer_tap(self, query: dict[str, Any]) -> None:
        message = query.get("message")
        own = (
            isinstance(message, dict)
            and _private(message)
            and message["chat"].get("id") == (query.get("from") or {}).get("id")
        )
        button = callback_data.decode(query.get("data")) if own or message is None else None
        await self._bot.answer_callback_query(str(query["id"]), text=None if button else STALE_BUTTON)
        if not own or not isinstance(message, dict) or "reply_markup" not in message:
            return
        if button is None or not button.keeps_keyboard:
            await self._bot.edit_message_reply_markup(
                chat_id=message["chat"]["id"], message_id=message["message_id"], reply_markup=None
            )


def _private(message: dict[str, Any]) -> bool:
    chat = message.get("chat")
    return isinstance(chat, dict) and chat.get("type") == "private"


async def _quietly(work: Coroutine[Any, Any, object]) -> None:
    try:
        await work
    except TelegramAPIError as error:  # a query too old to answer, a message already edited, ...
        log.info("telegram acknowledgement failed", error=str(error))
    except Exception:  # a malformed update: it is stored already, and the decoder will ignore it
        log.warning("telegram acknowledgement impossible", exc_info=True)
