from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, insert, null, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import Delivery, Lane, OutboxRecord, PersonRecord, QueuedMessage
from cdht.storage.repositories.inserts import (
    insert_many_unless_duplicate,
    insert_unless_duplicate,
    write_later,
)
from cdht.storage.repositories.people import person_record
from cdht.storage.tables import Identity, OutboxMessage, Person, table_of

_TABLE = table_of(OutboxMessage)
_COLUMNS = _TABLE.c
_OLDER = _TABLE.alias("older")
_IDENTITIES = table_of(Identity)
_PEOPLE = table_of(Person)
RECIPIENT = "recipient_"
# The hot statements are built once (building one costs more than running it on SQLite). The claim brings
# the recipient along: the row's person, or for a reply the person behind the (private) chat. It walks the
# queue in (lane, id) order; a row waits while its chat has a pending row before it in that order, so a
# chat's messages keep their order within a lane and a reply overtakes a broadcast to the same chat.
_CLAIM = (
    select(_TABLE, *(column.label(f"{RECIPIENT}{column.name}") for column in _PEOPLE.c))
    .select_from(
        _TABLE.outerjoin(
            _IDENTITIES,
            and_(
                _COLUMNS.person_id.is_(None),
                _IDENTITIES.c.channel == _COLUMNS.channel,
                _IDENTITIES.c.external_id == _COLUMNS.chat_id,
            ),
        ).outerjoin(_PEOPLE, _PEOPLE.c.id == func.coalesce(_COLUMNS.person_id, _IDENTITIES.c.person_id))
    )
    .where(
        _COLUMNS.channel == bindparam("channel"),
        _COLUMNS.status == "pending",
        _COLUMNS.not_before <= bindparam("now"),
        _COLUMNS.lane.between(bindparam("from_lane"), bindparam("to_lane")),
        ~exists().where(
            _OLDER.c.channel == _COLUMNS.channel,
            _OLDER.c.chat_id == _COLUMNS.chat_id,
            _OLDER.c.status == "pending",
            or_(
                _OLDER.c.lane < _COLUMNS.lane, and_(_OLDER.c.lane == _COLUMNS.lane, _OLDER.c.id < _COLUMNS.id)
            ),
        ),
    )
    .order_by(_COLUMNS.lane, _COLUMNS.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True, of=_TABLE)
)


@functools.cache
def _claim_skipping(count: int) -> Any:
    """The claim without `count` chats: one bound parameter each (an expanding IN list would make
    SQLAlchemy compile the statement again on every call)."""
    return _CLAIM.where(_COLUMNS.chat_id.not_in([bindparam(f"skip{n}") for n in range(count)]))


_MARK_SENT = (
    update(_TABLE)
    .where(_COLUMNS.id == bindparam("outbox_id"))
    .values(status="sent", external_message_id=bindparam("message_id"), sent_at=bindparam("sent_time"))
    .returning(
        _COLUMNS.payload,
        _COLUMNS.channel,
        _COLUMNS.chat_id,
        _COLUMNS.person_id,
        _COLUMNS.edit_key,
    )
)
_MARK_EACH_SENT = (
    update(_TABLE)
    .where(_COLUMNS.id == bindparam("outbox_id"))
    .values(status="sent", external_message_id=bindparam("message_id"), sent_at=bindparam("sent_time"))
)
_AS_STORED = select(
    _COLUMNS.id, _COLUMNS.payload, _COLUMNS.channel, _COLUMNS.chat_id, _COLUMNS.person_id, _COLUMNS.edit_key
).where(_COLUMNS.id.in_(bindparam("ids", expanding=True)))
_QUEUE = insert(_TABLE)
_KEEP_SENT_PAYLOAD = (
    update(_TABLE).where(_COLUMNS.id == bindparam("outbox_id")).values(payload=bindparam("sent_payload"))
)


def _queued(message: QueuedMessage, now: datetime) -> dict[str, Any]:
    return {
        "channel": message.channel,
        "chat_id": message.chat_id,
        "payload": message.payload,
        "inbox_id": message.inbox_id,
        "edit_key": message.edit_key,
        "lane": int(message.lane),
        "person_id": message.person_id,
        "dedupe_key": message.dedupe_key,
        "broadcast_id": message.broadcast_id,
        "not_before": message.not_before or now,
        "created_at": now,
    }


def _record(row: Any) -> OutboxRecord:
    return OutboxRecord(
        id=row.id,
        channel=row.channel,
        chat_id=row.chat_id,
        person_id=row.person_id,
        payload=row.payload if row.payload is not None else {},  # {}: dropped after the retention period
        attempts=row.attempts,
        status=row.status,
        external_message_id=row.external_message_id,
        edit_key=row.edit_key,
        broadcast_id=row.broadcast_id,
        lane=Lane(row.lane),
    )


class SqlOutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
        values = {
            "channel": channel,
            "chat_id": chat_id,
            "payload": payload,
            "person_id": person_id,
            "inbox_id": inbox_id,
            "dedupe_key": dedupe_key,
            "edit_key": edit_key,
            "broadcast_id": broadcast_id,
            "not_before": not_before or now,
            "created_at": now,
            "lane": int(lane),
        }
        return await insert_unless_duplicate(self._session, _TABLE, values, ("dedupe_key",))

    async def add_unless_queued(self, messages: Sequence[QueuedMessage], now: datetime) -> int:
        """Queue messages in one statement, skipping those whose dedupe key was queued before; returns how
        many were queued (a fan-out queues its recipients a chunk at a time with this)."""
        rows = [_queued(message, now) for message in messages]
        return len(await insert_many_unless_duplicate(self._session, _TABLE, rows, ("dedupe_key",), "id"))

    async def add_many(self, messages: Sequence[QueuedMessage], now: datetime) -> None:
        """Queue replies (no dedupe key), in order; a batching session writes them with its next statement."""
        for message in messages:
            await write_later(self._session, _QUEUE, _queued(message, now))

    async def last_sent(self, channel: str, chat_id: str, edit_key: str) -> OutboxRecord | None:
        """The newest delivered message with this edit key in this chat: the one a channel may edit in place."""
        return await self._newest_with_key(channel, chat_id, edit_key, "sent")

    async def pending_with_key(self, channel: str, chat_id: str, edit_key: str) -> OutboxRecord | None:
        """A not yet delivered message with this edit key: a newer version replaces its content."""
        return await self._newest_with_key(channel, chat_id, edit_key, "pending")

    async def _newest_with_key(
        self, channel: str, chat_id: str, edit_key: str, status: str
    ) -> OutboxRecord | None:
        row = await self._session.scalar(
            select(OutboxMessage)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.chat_id == chat_id,
                OutboxMessage.edit_key == edit_key,
                OutboxMessage.status == status,
            )
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        return _record(row) if row else None

    async def replace_payload(self, outbox_id: int, payload: dict[str, Any]) -> bool:
        """Give a still pending message new content; False when it was delivered meanwhile."""
        result = await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id, OutboxMessage.status == "pending")
            .values(payload=payload)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def due(self, channel: str, now: datetime, limit: int) -> list[OutboxRecord]:
        rows = await self._session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.status == "pending",
                OutboxMessage.not_before <= now,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_record(row) for row in rows]

    async def claim_next(
        self, channel: str, now: datetime, *, skip_chats: Collection[str] = ()
    ) -> OutboxRecord | None:
        """The oldest due message of a chat with no older pending message, locked for this transaction.

        Keeps each chat's messages in order, also while an older one waits for a retry; on PostgreSQL
        `SKIP LOCKED` lets several senders share the queue. `skip_chats`: chats this process is already
        sending to (SQLite has no row locks).
        """
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
        """Up to `limit` messages as `claim_next` picks them, replies first, then notices, then bulk, each
        lane oldest first; one per chat at most, each with its recipient: the row's person, or the person
        whose account the chat is (None: nobody known). Only the lanes from `from_lane` to `to_lane`."""
        params: dict[str, Any] = {
            "channel": channel,
            "now": now,
            "limit": limit,
            "from_lane": int(from_lane),
            "to_lane": int(to_lane),
        }
        params.update((f"skip{n}", chat) for n, chat in enumerate(skip_chats))
        statement = _claim_skipping(len(skip_chats)) if skip_chats else _CLAIM
        result = await self._session.execute(statement, params)
        return [
            (_record(row), None if row.recipient_id is None else person_record(row, RECIPIENT))
            for row in result
        ]

    async def mark_sent(
        self,
        outbox_id: int,
        external_message_id: str | None,
        now: datetime,
        *,
        sent_payload: dict[str, Any] | None = None,
    ) -> None:
        """Record a delivery. With `sent_payload` (what went out): when the content was replaced while the
        message was on its way (SQLite has no row locks to stop that), the row keeps what was delivered and
        the newer content is queued again, so it is not lost."""
        result = await self._session.execute(
            _MARK_SENT, {"outbox_id": outbox_id, "message_id": external_message_id, "sent_time": now}
        )
        stored = result.first()
        if sent_payload is not None and stored is not None and stored.payload != sent_payload:
            await self._queue_replaced(outbox_id, stored, sent_payload, now)

    async def mark_all_sent(self, deliveries: Sequence[Delivery], now: datetime) -> None:
        """`mark_sent` for several rows (outbox id, platform message id, what went out) in two statements."""
        if not deliveries:
            return
        if len(deliveries) == 1:
            [(outbox_id, message_id, sent_payload)] = deliveries
            await self.mark_sent(outbox_id, message_id, now, sent_payload=sent_payload)
            return
        await self._session.execute(
            _MARK_EACH_SENT,
            [{"outbox_id": i, "message_id": message_id, "sent_time": now} for i, message_id, _ in deliveries],
        )  # first: it takes the write lock, so the rows read next cannot change before the commit
        result = await self._session.execute(_AS_STORED, {"ids": [i for i, _, _ in deliveries]})
        stored = {row.id: row for row in result}
        for outbox_id, _, sent_payload in deliveries:
            row = stored.get(outbox_id)
            if sent_payload is not None and row is not None and row.payload != sent_payload:
                await self._queue_replaced(outbox_id, row, sent_payload, now)

    async def _queue_replaced(
        self, outbox_id: int, stored: Any, sent_payload: dict[str, Any], now: datetime
    ) -> None:
        """The row keeps what was delivered; its newer content is queued again."""
        await self._session.execute(
            _KEEP_SENT_PAYLOAD, {"outbox_id": outbox_id, "sent_payload": sent_payload}
        )
        await self.add(
            stored.channel,
            stored.chat_id,
            stored.payload,
            now,
            person_id=stored.person_id,
            edit_key=stored.edit_key,
        )

    async def mark_failed(self, outbox_id: int, error: str, *, retry_at: datetime | None) -> None:
        """A failed send: retried at `retry_at`, or given up (None), e.g. when the person blocked the bot."""
        row = await self._session.get(OutboxMessage, outbox_id)
        if row is None:
            return
        row.attempts += 1
        row.error = error[:2000]
        if retry_at is None:
            row.status = "failed"
        else:
            row.not_before = retry_at
        await self._session.flush()

    async def for_inbox(self, inbox_id: int) -> list[OutboxRecord]:
        rows = await self._session.scalars(
            select(OutboxMessage).where(OutboxMessage.inbox_id == inbox_id).order_by(OutboxMessage.id)
        )
        return [_record(row) for row in rows]

    async def prune_payloads(self, queued_before: datetime, *, limit: int) -> int:
        """Forget the content of up to `limit` messages queued before `queued_before` and no longer waiting
        (sent, given up, cancelled); returns how many. The rows stay, with their dedupe and edit keys, the
        platform's message id and their broadcast, so nothing is queued twice and counts stay right."""
        oldest = (
            select(_COLUMNS.id)
            .where(*self._prunable(queued_before))
            .order_by(_COLUMNS.created_at)
            .limit(limit)
        )
        result = await self._session.execute(
            update(_TABLE).where(_COLUMNS.id.in_(oldest.scalar_subquery())).values(payload=null())
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def prunable_count(self, queued_before: datetime) -> int:
        """How many messages `prune_payloads` would empty."""
        count = await self._session.scalar(select(func.count()).where(*self._prunable(queued_before)))
        return int(count or 0)

    @staticmethod
    def _prunable(queued_before: datetime) -> tuple[Any, ...]:
        return (
            _COLUMNS.payload.is_not(None),
            _COLUMNS.created_at < queued_before,
            _COLUMNS.status != "pending",
        )
