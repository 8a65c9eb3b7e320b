"""The `/` command menu: a short default for everyone, and each registered person's role menu in their chat
(setMyCommands with a chat scope), so village heads see only their own commands."""

from __future__ import annotations

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from cdht.handlers.menus import menu_for

log = structlog.get_logger(__name__)


def bot_commands(role: str | None) -> list[BotCommand]:
    return [BotCommand(command=entry.name, description=entry.description) for entry in menu_for(role)]


class ChatMenus:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self._shown: dict[str, str] = {}  # chat -> role whose menu this process has set there

    async def set_default(self) -> None:
        try:
            await self._bot.set_my_commands(bot_commands(None), scope=BotCommandScopeDefault())
        except TelegramAPIError:
            log.warning("could not set the default command menu", exc_info=True)

    async def ensure(self, chat_id: str, role: str) -> None:
        """Set the role's menu in a private chat once per process (and again when the role changes).
        A failure is logged and retried with the next message: a menu is never worth losing a message."""
        if self._shown.get(chat_id) == role or chat_id.startswith("-"):
            return
        try:
            await self._bot.set_my_commands(
                bot_commands(role), scope=BotCommandScopeChat(chat_id=int(chat_id))
            )
        except TelegramAPIError:
            log.warning("could not set the command menu", chat_id=chat_id, exc_info=True)
            return
        self._shown[chat_id] = role
