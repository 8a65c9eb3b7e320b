"""aiogram parses each Bot API answer with `Response[T]`, a pydantic generic model built on every call.
pydantic caches such models only while something else holds them (a weak cache), so in a busy process the
model was often rebuilt from scratch: about a third of the cost of sending a message. Holding the models of
the methods this bot calls keeps that cache warm."""

from __future__ import annotations

from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    Response,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    SetWebhook,
)

_METHODS = (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    SetWebhook,
)

RESPONSE_MODELS: tuple[Any, ...] = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in _METHODS
)
