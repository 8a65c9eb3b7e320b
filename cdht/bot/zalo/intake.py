"""What the shared intake (`cdht.pipeline.intake`) needs to know about Zalo. An update is keyed by
"<event name>:<message id>"; a redelivery changes nothing.

A typed number or option text is resolved in the transaction that stores the update, against the chat's last
numbered list (see `numbered_choices`). A person who sent a photo sees "typing…" while it is fetched and stored.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog

from cdht.bot.zalo import numbered_choices
from cdht.bot.zalo.client import ZaloBotClient, ZaloError
from cdht.bot.zalo.decode import CHANNEL, RESOLVED_KEY, parse_update, user_key
from cdht.bot.zalo.models import IMAGE_RECEIVED, TEXT_RECEIVED
from cdht.handlers.ports import UnitOfWork, UnitOfWorkFactory
from cdht.pipeline.intake import Intake, RawUpdate

log = structlog.get_logger(__name__)


def update_intake(
    uow_factory: UnitOfWorkFactory, clock: Callable[[], datetime], typing: PhotoTyping | None = None
) -> Intake:
    return Intake(
        CHANNEL,
        uow_factory,
        clock,
        read=raw_update,
        prepare=with_resolved_choice,
        after_commit=None if typing is None else typing.after_commit,
    )


def raw_update(payload: dict[str, Any]) -> RawUpdate | None:
    """An update for the inbox; None for a payload that is not one (no event name)."""
    update = parse_update(payload)
    if update is None:
        return None
    stored = dict(payload)
    stored.pop(RESOLVED_KEY, None)  # only we may set it
    return RawUpdate(update.external_id, user_key(update), stored)


async def with_resolved_choice(uow: UnitOfWork, update: RawUpdate) -> RawUpdate:
    """A typed answer with the action it picks from the chat's last numbered list, if it picks one."""
    if update.payload.get("event_name") != TEXT_RECEIVED:
        return update
    parsed = parse_update(update.payload)
    message = parsed.message if parsed is not None else None
    if message is None or not message.text:
        return update
    resolved = await numbered_choices.resolve(uow, message.chat.id, message.text)
    if resolved is None:
        return update
    return dataclasses.replace(update, payload={**update.payload, RESOLVED_KEY: resolved})


class PhotoTyping:
    """'typing…' to whoever sent a photo, once it is stored: fetching and storing it takes a moment."""

    def __init__(self, client: ZaloBotClient) -> None:
        self._client = client
        self._tasks: set[asyncio.Task[None]] = set()

    def after_commit(self, payload: dict[str, Any]) -> None:
        if payload.get("event_name") != IMAGE_RECEIVED:
            return
        update = parse_update(payload)
        if update is not None and update.message is not None:
            task = asyncio.create_task(_quietly_typing(self._client, update.message.chat.id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def close(self, grace_seconds: float = 5.0) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=grace_seconds)
        for task in set(self._tasks):
            task.cancel()


async def _quietly_typing(client: ZaloBotClient, chat_id: str) -> None:
    try:
        await client.send_chat_action(chat_id, "typing")
    except ZaloError as error:  # an acknowledgement, worthless a minute later: never retried
        log.info("zalo chat action failed", error=str(error))
