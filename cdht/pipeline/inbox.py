"""The inbox loop: stored updates handled in one transaction with their answers and replies.

Under load a worker claims several people's next updates at once and handles them in one transaction: the
claim, the commit and the bookkeeping are paid once per batch instead of once per message. If any of them
fails, the whole batch is rolled back and its updates are handled again one per transaction, so a failing
update is counted against itself alone and the others go through."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial

import structlog

from cdht.conversations.inbound import Contact, Inbound, Media, cleaned
from cdht.conversations.outbound import OutboundMessage
from cdht.conversations.parsing.clean_text import clean_line
from cdht.handlers.context import Sender, Services
from cdht.handlers.dispatch import handle, sessions_read
from cdht.handlers.ports import (
    BatchUnitOfWorkFactory,
    InboxRecord,
    Lane,
    QueuedMessage,
    UnitOfWork,
    UnitOfWorkFactory,
)
from cdht.handlers.wire import outbound_to_json
from cdht.pipeline.channel import Decoder
from cdht.pipeline.nudge import Nudge

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 5
BATCH = 16  # the most updates handled in one transaction
SORRY = OutboundMessage(
    text=(
        "Xin lỗi, hệ thống gặp lỗi khi xử lý tin nhắn vừa rồi. Các câu trả lời trước đó vẫn được lưu an toàn. "
        "Xin gửi lại sau ít phút."
    )
)


async def process_one(
    uow_factory: UnitOfWorkFactory,
    decoders: Mapping[str, Decoder],
    services: Services,
    clock: Callable[[], datetime],
    only: InboxRecord | None = None,
) -> int | None:
    """One row in its own transaction (`only`: that row, if it is still waiting); a failure is counted.
    Returns the row's id, or None when nothing was waiting. `process_batch` handles a row alone with it."""
    async with uow_factory() as uow:
        if only is None:
            rows = await _claim_decodable(uow, decoders, limit=1)
        else:
            rows = await uow.inbox.claim(only.channel, limit=1, only=only.id)
        if not rows:
            return None
        row = rows[0]
        try:
            update = _decoded(decoders, row)
            replies = await _handle_row(uow, row, update, services, clock)
            now = clock()
            await uow.outbox.add_many(replies, now)
            await uow.inbox.mark_done(row.id, now)
            await _forget_contacts(uow, [(row, update)])
            await uow.commit()
            return row.id
        except Exception as error:
            log.exception("inbox event failed", inbox_id=row.id, channel=row.channel)
            failure = f"{type(error).__name__}: {error}"
    # The handler's work is rolled back with its transaction; the failed attempt is counted in a new one.
    async with uow_factory() as uow:
        now = clock()
        await uow.inbox.mark_failed(row.id, failure, now)
        decoded = _decoded_quietly(decoders, row)
        if decoded is not None and row.attempts + 1 >= MAX_ATTEMPTS:
            sender = decoded[0]
            await uow.outbox.add(
                sender.channel, sender.chat_id, outbound_to_json(SORRY), now, inbox_id=row.id, lane=Lane.REPLY
            )
            await _forget_contacts(uow, [(row, decoded)])  # parked: never tried again
        await uow.commit()
    return row.id


async def process_batch(
    uow_factory: BatchUnitOfWorkFactory,
    decoders: Mapping[str, Decoder],
    services: Services,
    clock: Callable[[], datetime],
    *,
    limit: int = BATCH,
) -> int:
    """Process up to `limit` eligible inbox rows in one transaction; returns how many were processed.

    A photo or file is handled in a transaction of its own after the batch: its download must not hold the
    database while the rows before it have written (SQLite's writer lock, PostgreSQL's row locks)."""
    alone: list[InboxRecord] = []
    batch_done = 0
    async with uow_factory() as uow:
        rows = await _claim_decodable(uow, decoders, limit=limit)
        try:
            decoded = [(row, _decoded(decoders, row)) for row in rows]
        except Exception:  # an update its decoder chokes on: each alone, so that only it counts a failure
            decoded, alone = [], rows
        batch = []
        for row, update in decoded:
            if update is not None and isinstance(update[1], Media) and len(rows) > 1:
                alone.append(row)
            else:
                batch.append((row, update))
        if batch:
            try:
                now = clock()
                accounts = [(u[0].channel, u[0].external_id) for _, u in batch if u is not None]
                await uow.prefetch(accounts, partial(sessions_read, year=services.year), services.year)
                for row, update in batch:
                    # queued row by row: a handler may also notify others (outbox rows) while it runs
                    replies = await _handle_row(uow, row, update, services, clock)
                    await uow.outbox.add_many(replies, now)
                await uow.inbox.mark_all_done([row.id for row, _ in batch], now)
                await _forget_contacts(uow, batch)
                await uow.commit()
                batch_done = len(batch)
            except Exception:
                log.warning(
                    "inbox batch failed; handling its updates one by one", size=len(batch), exc_info=True
                )
                alone = [row for row, _ in batch] + alone
    processed = batch_done
    for row in alone:
        if await process_one(uow_factory, decoders, services, clock, only=row) is not None:
            processed += 1
    return processed


async def _handle_row(
    uow: UnitOfWork,
    row: InboxRecord,
    decoded: tuple[Sender, Inbound] | None,
    services: Services,
    clock: Callable[[], datetime],
) -> list[QueuedMessage]:
    """Handle one decoded update; returns the replies to queue (the caller queues them and marks it done)."""
    if decoded is None:
        return []
    sender, inbound = decoded
    return [
        QueuedMessage(sender.channel, sender.chat_id, outbound_to_json(message), row.id, message.edit_key)
        for message in await handle(uow, sender, inbound, clock(), services)
    ]


async def _forget_contacts(
    uow: UnitOfWork, handled: Sequence[tuple[InboxRecord, tuple[Sender, Inbound] | None]]
) -> None:
    """A shared contact's raw update holds a phone number and names: once the registration it served is done
    or refused, nothing needs them (Nghị định 13/2023/NĐ-CP). Only rows already marked handled lose theirs:
    an update that will be tried again keeps its payload."""
    contacts = [row.id for row, update in handled if update is not None and isinstance(update[1], Contact)]
    if contacts:
        await uow.inbox.drop_payloads(contacts)


def _decoded(decoders: Mapping[str, Decoder], row: InboxRecord) -> tuple[Sender, Inbound] | None:
    """The update as its channel's decoder reads it (None: nothing to act on), its text cleaned (`cleaned`:
    no NUL or other control, bidirectional or invisible characters; NFC). Every channel's events pass here
    before a handler stores or shows them; the raw row stays as it came."""
    decoder = decoders.get(row.channel)
    decoded = decoder(row.payload) if decoder else None
    if decoded is None:
        return None
    sender, event = decoded
    return replace(sender, display_name=clean_line(sender.display_name)), cleaned(event)


def _decoded_quietly(decoders: Mapping[str, Decoder], row: InboxRecord) -> tuple[Sender, Inbound] | None:
    """The sender of an update that failed, to apologise to; None if even decoding it fails."""
    try:
        return _decoded(decoders, row)
    except Exception:
        return None


async def _claim_decodable(
    uow: UnitOfWork, decoders: Mapping[str, Decoder], *, limit: int
) -> list[InboxRecord]:
    """Only rows of the channels this process decodes: another channel's rows wait for their own process
    (claimed without a decoder, they would be marked done unread)."""
    for channel in decoders:
        rows = await uow.inbox.claim(channel, limit=limit)
        if rows:
            return rows
    return []


async def run_inbox(
    uow_factory: BatchUnitOfWorkFactory,
    decoders: Mapping[str, Decoder],
    services: Callable[[], Services],
    clock: Callable[[], datetime],
    stop: asyncio.Event,
    *,
    stored: Nudge,
    processed: Callable[[], None],
    idle_seconds: float,
    retry_seconds: float,
) -> None:
    """Batches until `stop` is set: woken by `stored` (a channel stored an update), and calling `processed`
    (the sender looks for replies) after each batch that did something."""
    while not stop.is_set():
        try:
            done = await process_batch(uow_factory, decoders, services(), clock)
        except Exception:  # the database is away, ...: the row stays pending and is tried again
            log.exception("inbox step failed")
            await stored.wait(stop, seconds=retry_seconds)
            continue
        if not done:
            await stored.wait(stop, seconds=idle_seconds)
        else:
            processed()
