"""Neutral buttons -> Telegram keyboards: inline buttons for options and navigation, Mini App pages as web_app
buttons, a reply keyboard with a 'share my phone number' button for registration, and its removal once it is
no longer needed."""

from __future__ import annotations

import structlog
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    WebAppInfo,
)

from cdht.bot.telegram import callback_data
from cdht.conversations.inbound import Choice
from cdht.conversations.outbound import OpenApp, OutboundMessage

log = structlog.get_logger(__name__)

CONTACT_BUTTON = "📱 Chia sẻ số điện thoại"  # the registration message names this label

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def inline_keyboard(
    message: OutboundMessage, *, app_url: str | None = None, private: bool = True
) -> InlineKeyboardMarkup | None:
    """Options of a message that is edited in place (it has an edit key) are toggles: tapping one must not
    drop the keyboard, because the new state of the message replaces it. `app_url`: the Mini App's public
    HTTPS base (None when it is off); Mini App buttons are left out without it and outside private chats."""
    editable = message.edit_key is not None
    rows = []
    for row in message.buttons:
        buttons = []
        for button in row:
            if isinstance(button.action, OpenApp):
                if app_url is not None and private:
                    buttons.append(web_app_button(button.label, button.action, app_url))
                continue
            data = callback_data.encode(button.action, toggle=editable and isinstance(button.action, Choice))
            if data is None:
                log.warning("button left out: its action does not fit in callback data", label=button.label)
                continue
            buttons.append(InlineKeyboardButton(text=button.label, callback_data=data))
        if buttons:
            rows.append(buttons)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def web_app_button(label: str, action: OpenApp, app_url: str) -> InlineKeyboardButton:
    """Telegram opens web_app buttons only in private chats between a person and the bot."""
    return InlineKeyboardButton(text=label, web_app=WebAppInfo(url=app_url.rstrip("/") + action.path))


def contact_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=CONTACT_BUTTON, request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def reply_markup(
    message: OutboundMessage,
    *,
    remove_reply_keyboard: bool,
    app_url: str | None = None,
    private: bool = True,
) -> Markup | None:
    """One message carries one keyboard: registration's contact button wins over inline buttons."""
    if message.request_contact:
        return contact_keyboard()
    inline = inline_keyboard(message, app_url=app_url, private=private)
    if inline is not None:
        return inline
    return ReplyKeyboardRemove() if remove_reply_keyboard else None
