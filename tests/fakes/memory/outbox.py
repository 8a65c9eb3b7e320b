"""Outbound messages and their lanes, in memory."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from cdht.handlers.ports import Delivery, Lane, OutboxRecord, PersonRecord, QueuedMessage
from tests.fakes.memory.database import Transaction
from tests.fakes.memory.tables import ConstraintViolation, OutboxRow, Tables, as_json, require


def _record(row: OutboxRow) -> OutboxRecord:
    return OutboxRecord(
        id=row.id,
        channel=row.channel,
        chat_id=row.chat_id,
        person_id=row.person_id,
        payload=as_json(row.payload) if row.payload is not None else {},  # {}: dropped (retention)
        attempts=row.attempts,
        status=row.status,
        external_message_id=row.external_message_id,
        edit_key=row.edit_key,
        broadcast_id=row.broadcast_id,
        lane=row.lane,
    )


def _row(row_id: int, message: QueuedMessage, now: datetime) -> OutboxRow:
    return OutboxRow(
        id=row_id,
        channel=message.channel,
        chat_id=message.chat_id,
        payload=as_json(message.payload),
        not_before=message.not_before or now,
        created_at=now,
        lane=Lane(message.lane),
        person_id=message.person_id,
        inbox_id=message.inbox_id,
        dedupe_key=message.dedupe_key,
        edit_key=message.edit_key,
        broadcast_id=message.broadcast_id,
    )


def _insert(tables: Tables, row: OutboxRow, *, unless_duplicate: bool) -> bool:
    """Queue a row; False (or ConstraintViolation) when its dedupe key was queued before."""
    if row.dedupe_key is not None and any(o.dedupe_key == row.dedupe_key for o in tables.outbox.values()):
        if unless_duplicate:
            return False
        raise ConstraintViolation(f"dedupe key {row.dedupe_key!r} is queued")
    require(tables.people, row.person_id, "person")
    require(tables.inbox, row.inbox_id, "inbox event")
    require(tables.broadcasts, row.broadcast_id, "broadcast")
    tables.outbox[row.id] = row
    return True


def _inserting(row: OutboxRow, *, unless_duplicate: bool) -> Callable[[Tables], bool]:
    return lambda tables: _insert(tables, row, unless_duplicate=unless_duplicate)


class MemoryOutboxRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def add(
        self,
        channel: str,
        chat_id: str,
        payload: dict[str, Any],
        now: datetime,
        *,
        person_id: int | None = None,
        inbox_id: int | None = None,
        dedupe_key: str | None = None,
        edit_key: str | None = None,
        broadcast_id: int | None = None,
        not_before: datetime | None = None,
        lane: Lane = Lane.NOTICE,
    ) -> int | None:
        """Queue a message; None when a message with the same dedupe key was queued before."""
        message = QueuedMessage(
            channel,
            chat_id,
            payload,
            inbox_id,
            edit_key,
            lane,
            person_id,
            dedupe_key,
            broadcast_id,
            not_before,
        )
        row = _row(self._tx.new_id("outbox"), message, now)
        queued = self._tx.write(_inserting(row, unless_duplicate=True))
        return row.id if queued else None

    async def add_many(self, messages: Sequence[QueuedMessage], now: datetime) -> None:
        """Queue replies (no dedupe key), in order."""
        for message in messages:
            self._tx.write(_inserting(_row(self._tx.new_id("outbox"), message, now), unless_duplicate=False))

    async def add_unless_queued(self, messages: Sequence[QueuedMessage], now: datetime) -> int:
        rows = [_row(self._tx.new_id("outbox"), message, now) for message in messages]
        return sum(self._tx.write(_inserting(row, unless_duplicate=True)) for row in rows)

    async def last_sent(self, channel: str, chat_id: str, edit_key: str) -> OutboxRecord | None:
        return self._newest_with_key(channel, chat_id, edit_key, "sent")

    async def pending_with_key(self, channel: str, chat_id: str, edit_key: str) -> OutboxRecord | None:
        return self._newest_with_key(channel, chat_id, edit_key, "pending")

    def _newest_with_key(self, channel: str, chat_id: str, edit_key: str, status: str) -> OutboxRecord | None:
        found = [
            row
            for row in self._tx.tables.outbox.values()
            if (row.channel, row.chat_id, row.edit_key, row.status) == (channel, chat_id, edit_key, status)
        ]
        return _record(max(found, key=lambda row: row.id)) if found else None

    async def replace_payload(self, outbox_id: int, payload: dict[str, Any]) -> bool:
        content = as_json(payload)

        def change(tables: Tables) -> bool:
            row = tables.outbox.get(outbox_id)
            if row is None or row.status != "pending":
                return False
            tables.outbox[outbox_id] = replace(row, payload=content)
            return True

        return self._tx.write(change)

    async def due(self, channel: str, now: datetime, limit: int) -> list[OutboxRecord]:
        rows = sorted(self._tx.tables.outbox.values(), key=lambda row: row.id)
        due = [
            row
            for row in rows
            if row.channel == channel and row.status == "pending" and row.not_before <= now
        ]
        return [_record(row) for row in due[:limit]]

    async def claim_next(
        self, channel: str, now: datetime, *, skip_chats: Collection[str] = ()
    ) -> OutboxRecord | None:
        claimed = await self.claim(channel, now, skip_chats=skip_chats, limit=1)
        return claimed[0][0] if claimed else None

    async def claim(
        self,
        channel: str,
        now: datetime,
        *,
        skip_chats: Collection[str] = (),
        limit: int,
        from_lane: Lane = Lane.REPLY,
        to_lane: Lane = Lane.BULK,
    ) -> list[tuple[OutboxRecord, PersonRecord | None]]:
        """In (lane, id) order, each chat's first pending row only (whether due or not), within the lanes."""
        tables = self._tx.tables
        pending = sorted(
            (row for row in tables.outbox.values() if row.channel == channel and row.status == "pending"),
            key=lambda row: (row.lane, row.id),
        )
        first_of_chat: dict[str, OutboxRow] = {}
        for row in pending:
            first_of_chat.setdefault(row.chat_id, row)
        eligible = [
            row
            for row in first_of_chat.values()
            if row.not_before <= now and from_lane <= row.lane <= to_lane and row.chat_id not in skip_chats
        ]
        return [(_record(row), self._recipient(tables, row)) for row in eligible[:limit]]

    @staticmethod
    def _recipient(tables: Tables, row: OutboxRow) -> PersonRecord | None:
        """The row's person, or the person whose account the chat is."""
        if row.person_id is not None:
            return tables.people.get(row.person_id)
        for identity in tables.identities.values():
            if identity.channel == row.channel and identity.external_id == row.chat_id:
                return tables.people.get(identity.person_id)
        return None

    async def mark_sent(
        self,
        outbox_id: int,
        external_message_id: str | None,
        now: datetime,
        *,
        sent_payload: dict[str, Any] | None = None,
    ) -> None:
        """With `sent_payload`: content replaced while on its way is queued again; the row keeps what went out."""
        went_out = None if sent_payload is None else as_json(sent_payload)

        def mark(tables: Tables) -> None:
            row = tables.outbox.get(outbox_id)
            if row is None:
                return
            sent = replace(row, status="sent", external_message_id=external_message_id, sent_at=now)
            if went_out is not None and row.payload != went_out:
                sent = replace(sent, payload=went_out)
                again = QueuedMessage(  # as `add` queues it: a notice
                    row.channel,
                    row.chat_id,
                    row.payload,
                    edit_key=row.edit_key,
                    lane=Lane.NOTICE,
                    person_id=row.person_id,
                )
                _insert(tables, _row(self._tx.new_id("outbox"), again, now), unless_duplicate=False)
            tables.outbox[outbox_id] = sent

        self._tx.write(mark)

    async def mark_all_sent(self, deliveries: Sequence[Delivery], now: datetime) -> None:
        for outbox_id, message_id, sent_payload in deliveries:
            await self.mark_sent(outbox_id, message_id, now, sent_payload=sent_payload)

    async def mark_failed(self, outbox_id: int, error: str, *, retry_at: datetime | None) -> None:
        """Retried at `retry_at`, or given up (None)."""

        def fail(tables: Tables) -> None:
            row = tables.outbox.get(outbox_id)
            if row is None:
                return
            failed = replace(row, attempts=row.attempts + 1, error=error[:2000])
            if retry_at is None:
                failed = replace(failed, status="failed")
            else:
                failed = replace(failed, not_before=retry_at)
            tables.outbox[outbox_id] = failed

        self._tx.write(fail)

    async def for_inbox(self, inbox_id: int) -> list[OutboxRecord]:
        return [_record(row) for _, row in sorted(self._tx.tables.outbox.items()) if row.inbox_id == inbox_id]

    async def prune_payloads(self, queued_before: datetime, *, limit: int) -> int:
        """Forget the content of up to `limit` messages queued before `queued_before`, no longer waiting."""

        def prune(tables: Tables) -> int:
            prunable = _prunable(tables, queued_before)
            oldest = sorted(prunable, key=lambda row: (row.created_at, row.id))[:limit]
            for row in oldest:
                tables.outbox[row.id] = replace(row, payload=None)
            return len(oldest)

        return self._tx.write(prune)

    async def prunable_count(self, queued_before: datetime) -> int:
        return len(_prunable(self._tx.tables, queued_before))


def _prunable(tables: Tables, queued_before: datetime) -> list[OutboxRow]:
    return [
        row
        for row in tables.outbox.values()
        if row.payload is not None and row.created_at < queued_before and row.status != "pending"
    ]
