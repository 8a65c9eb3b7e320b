"""The `/` command menu: a short default for everyone, and each registered person's role menu in their chat
(setMyCommands with a chat scope), so village heads see only their own commands. Officers also get the Mini
App as their chat's menu button (setChatMenuButton) when it is on; village heads keep the default button."""

from __future__ import annotations

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)

from cdht.conversations.outbound import OpenApp
from cdht.handlers.command_table import OFFICERS
from cdht.handlers.menus import menu_for

log = structlog.get_logger(__name__)

APP_MENU_TEXT = "Bảng tiến độ"


def bot_commands(role: str | None) -> list[BotCommand]:
    return [BotCommand(command=entry.name, description=entry.description) for entry in menu_for(role)]


class ChatMenus:
    def __init__(self, bot: Bot, *, app_url: str | None = None) -> None:
        """`app_url`: the Mini App's public HTTPS base; None when the Mini App is off."""
        self._bot = bot
        self._app_url = app_url.rstrip("/") if app_url else None
        self._shown: dict[str, str] = {}  # chat -> role whose menu this process has set there
        self._app_button: set[str] = set()  # chats where this process set the Mini App as the menu button

    async def set_default(self) -> None:
        try:
            await self._bot.set_my_commands(bot_commands(None), scope=BotCommandScopeDefault())
        except TelegramAPIError:
            log.warning("could not set the default command menu", exc_info=True)

    async def ensure(self, chat_id: str, role: str) -> None:
        """Set the role's menu in a private chat once per process (and again when the role changes).
        A failure is logged and retried with the next message: a menu is never worth losing a message."""
        if chat_id.startswith("-"):
            return
        if self._shown.get(chat_id) != role:
            try:
                await self._bot.set_my_commands(
                    bot_commands(role), scope=BotCommandScopeChat(chat_id=int(chat_id))
                )
            except TelegramAPIError:
                log.warning("could not set the command menu", chat_id=chat_id, exc_info=True)
            else:
                self._shown[chat_id] = role
        await self._ensure_app_button(chat_id, role)

    async def _ensure_app_button(self, chat_id: str, role: str) -> None:
        wanted = self._app_url is not None and role in OFFICERS
        if wanted == (chat_id in self._app_button):
            return
        if self._app_url is not None and wanted:
            url = self._app_url + OpenApp("progress").path
            button: MenuButtonWebApp | MenuButtonDefault = MenuButtonWebApp(
                text=APP_MENU_TEXT, web_app=WebAppInfo(url=url)
            )
        else:  # no longer an officer: back to the default button
            button = MenuButtonDefault()
        try:
            await self._bot.set_chat_menu_button(chat_id=int(chat_id), menu_button=button)
        except TelegramAPIError:
            log.warning("could not set the chat menu button", chat_id=chat_id, exc_info=True)
            return
        if wanted:
            self._app_button.add(chat_id)
        else:
            self._app_button.discard(chat_id)
