"""The inbox worker: one stored update at a time, in one transaction with its answers and replies."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

import structlog

from cdht.conversations.inbound import Inbound
from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.context import Sender, Services
from cdht.handlers.dispatch import handle
from cdht.handlers.ports import InboxRecord, UnitOfWork, UnitOfWorkFactory
from cdht.handlers.wire import outbound_to_json

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 5
SORRY = OutboundMessage(
    text=(
        "Xin lỗi, hệ thống gặp lỗi khi xử lý tin nhắn vừa rồi. Các câu trả lời trước đó vẫn được lưu an toàn. "
        "Xin gửi lại sau ít phút."
    )
)


class Decoder(Protocol):
    """A channel's mapping of its stored raw update to a sender and a neutral event (None: ignore it)."""

    def __call__(self, payload: dict[str, Any]) -> tuple[Sender, Inbound] | None: ...


async def process_next(
    uow_factory: UnitOfWorkFactory,
    decoders: Mapping[str, Decoder],
    services: Services,
    clock: Callable[[], datetime],
) -> int | None:
    """Process the next eligible inbox row; returns its id, or None when nothing is waiting."""
    async with uow_factory() as uow:
        row = await _claim_decodable(uow, decoders)
        if row is None:
            return None
        try:
            now = clock()
            decoder = decoders.get(row.channel)
            decoded = decoder(row.payload) if decoder else None
            if decoded is not None:
                sender, inbound = decoded
                for message in await handle(uow, sender, inbound, now, services):
                    await uow.outbox.add(
                        sender.channel,
                        sender.chat_id,
                        outbound_to_json(message),
                        now,
                        inbox_id=row.id,
                        edit_key=message.edit_key,
                    )
            await uow.inbox.mark_done(row.id, now)
            await uow.commit()
            return row.id
        except Exception as error:
            log.exception("inbox event failed", inbox_id=row.id, channel=row.channel)
            failure = f"{type(error).__name__}: {error}"
    # The handler's work is rolled back with its transaction; the failed attempt is counted in a new one.
    async with uow_factory() as uow:
        now = clock()
        await uow.inbox.mark_failed(row.id, failure, now)
        decoder = decoders.get(row.channel)
        decoded = decoder(row.payload) if decoder else None
        if decoded is not None and row.attempts + 1 >= MAX_ATTEMPTS:
            sender = decoded[0]
            await uow.outbox.add(
                sender.channel, sender.chat_id, outbound_to_json(SORRY), now, inbox_id=row.id
            )
        await uow.commit()
    return row.id


async def _claim_decodable(uow: UnitOfWork, decoders: Mapping[str, Decoder]) -> InboxRecord | None:
    """Only rows of the channels this process decodes: another channel's rows wait for their own process
    (claimed without a decoder, they would be marked done unread)."""
    for channel in decoders:
        row = await uow.inbox.claim_next(channel)
        if row is not None:
            return row
    return None
