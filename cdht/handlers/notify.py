"""Sending to people (not to the chat that wrote): every linked account of each person gets the messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.ports import Lane, NotifyUnitOfWork, PersonRecord
from cdht.handlers.wire import outbound_to_json


async def notify(
    uow: NotifyUnitOfWork,
    people: Sequence[PersonRecord],
    messages: Sequence[OutboundMessage],
    now: datetime,
    *,
    dedupe: str | None = None,
    broadcast_id: int | None = None,
    not_before: datetime | None = None,
    lane: Lane = Lane.NOTICE,
) -> int:
    """Queue the messages for every account of every person; returns how many accounts were reached.

    With `dedupe`, each (person, account, message) is queued at most once, whatever retries happen."""
    reached = 0
    for person in people:
        if not person.active or not person.reachable:
            continue
        for identity in await uow.people.identities(person.id):
            reached += 1
            for index, message in enumerate(messages):
                key = f"{dedupe}:{person.id}:{identity.channel}:{index}" if dedupe else None
                await uow.outbox.add(
                    identity.channel,
                    identity.chat_id,
                    outbound_to_json(message),
                    now,
                    person_id=person.id,
                    dedupe_key=key,
                    broadcast_id=broadcast_id,
                    edit_key=message.edit_key,
                    not_before=not_before,
                    lane=lane,
                )
    return reached
