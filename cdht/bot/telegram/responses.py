"""aiogram parses each Bot API answer with `Response[T]`, a pydantic generic model built on every call.
pydantic caches such models only while something else holds them (a weak cache), so in a busy process the
model was often rebuilt from scratch: about a third of the cost of sending a message. Holding the models of
the methods this bot calls keeps that cache warm."""

from __future__ import annotations

from typing import Any

from aiogram import methods

_METHODS = (
    methods.AnswerCallbackQuery,
    methods.DeleteWebhook,
    methods.EditMessageReplyMarkup,
    methods.EditMessageText,
    methods.GetFile,
    methods.GetMe,
    methods.SendChatAction,
    methods.SendDocument,
    methods.SendMessage,
    methods.SendPhoto,
    methods.SetMyCommands,
    methods.SetWebhook,
)

RESPONSE_MODELS: tuple[Any, ...] = tuple(
    methods.Response[method.__returning__]  # type: ignore[name-defined]
    for method in _METHODS
)
