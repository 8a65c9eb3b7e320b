"""Both receiving modes end here: raw updates are written to the inbox and committed, and only then
acknowledged (the webhook answers 200; polling asks for the next one). A redelivered update hits the inbox's
unique key (channel, "<event name>:<message id>") and changes nothing.

A typed number or option text is resolved here, in the same transaction, against the chat's last numbered
list (see `numbered_choices`). A person who sent a photo sees "typing…" while it is fetched and stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import structlog

from cdht.bot.zalo import numbered_choices
from cdht.bot.zalo.client import ZaloBotClient, ZaloError
from cdht.bot.zalo.decode import CHANNEL, RESOLVED_KEY, parse_update, user_key
from cdht.bot.zalo.models import IMAGE_RECEIVED, TEXT_RECEIVED, ZaloUpdate
from cdht.handlers.ports import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)


class UpdateIntake:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Callable[[], datetime],
        client: ZaloBotClient | None = None,
        on_stored: Callable[[], None] = lambda: None,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._client = client
        self.on_stored = on_stored
        self._tasks: set[asyncio.Task[None]] = set()

    async def store(self, payloads: Sequence[dict[str, Any]]) -> int:
        """Store raw updates in one transaction; returns how many were new. Payloads that are not updates
        (no event name) are skipped."""
        updates = [(payload, update) for payload in payloads if (update := parse_update(payload)) is not None]
        if not updates:
            return 0
        added = 0
        async with self._uow_factory() as uow:
            now = self._clock()
            for payload, update in updates:
                stored = await _with_resolved_choice(uow, dict(payload), update)
                if (
                    await uow.inbox.add(CHANNEL, update.external_id, user_key(update), stored, now)
                    is not None
                ):
                    added += 1
            await uow.commit()
        self.on_stored()
        for _, update in updates:
            if update.event_name == IMAGE_RECEIVED and update.message is not None:
                self._typing(update.message.chat.id)
        return added

    async def close(self, grace_seconds: float = 5.0) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=grace_seconds)
        for task in set(self._tasks):
            task.cancel()

    def _typing(self, chat_id: str) -> None:
        if self._client is None:
            return
        task = asyncio.create_task(_quietly_typing(self._client, chat_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


async def _with_resolved_choice(
    uow: UnitOfWork, payload: dict[str, Any], update: ZaloUpdate
) -> dict[str, Any]:
    payload.pop(RESOLVED_KEY, None)  # only we may set it
    message = update.message
    if update.event_name != TEXT_RECEIVED or message is None or not message.text:
        return payload
    resolved = await numbered_choices.resolve(uow, message.chat.id, message.text)
    if resolved is not None:
        payload[RESOLVED_KEY] = resolved
    return payload


async def _quietly_typing(client: ZaloBotClient, chat_id: str) -> None:
    try:
        await client.send_chat_action(chat_id, "typing")
    except ZaloError as error:  # an acknowledgement, worthless a minute later: never retried
        log.info("zalo chat action failed", error=str(error))
