from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, func, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import InboxRecord
from cdht.storage.repositories.inserts import insert_many_unless_duplicate, insert_unless_duplicate
from cdht.storage.tables import InboxEvent, table_of

MAX_ATTEMPTS = 5  # keep equal to cdht.pipeline.inbox.MAX_ATTEMPTS
_TABLE = table_of(InboxEvent)
_COLUMNS = _TABLE.c
_OLDER = _TABLE.alias("older")
# The hot statements are built once (building one costs more than running it on SQLite).
_CLAIM = (
    select(_TABLE)
    .where(
        _COLUMNS.status == "pending",
        ~exists().where(
            _OLDER.c.user_key == _COLUMNS.user_key, _OLDER.c.status == "pending", _OLDER.c.id < _COLUMNS.id
        ),
    )
    .order_by(_COLUMNS.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True, of=_TABLE)
)
_CLAIM_IN_CHANNEL = _CLAIM.where(_COLUMNS.channel == bindparam("channel"))
_CLAIM_THIS_ONE = _CLAIM_IN_CHANNEL.where(_COLUMNS.id == bindparam("inbox_id"))
_MARK_DONE = (
    update(_TABLE)
    .where(_COLUMNS.id == bindparam("inbox_id"))
    .values(status="done", processed_at=bindparam("done_at"))
)


class SqlInboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, channel: str, external_id: str, user_key: str, payload: dict[str, Any], now: datetime
    ) -> int | None:
        """Store a raw update; None when this (channel, external id) was stored before (a redelivery)."""
        values = {
            "channel": channel,
            "external_id": external_id,
            "user_key": user_key,
            "payload": payload,
            "received_at": now,
        }
        return await insert_unless_duplicate(self._session, _TABLE, values, ("channel", "external_id"))

    async def add_many(
        self, channel: str, updates: Sequence[tuple[str, str, dict[str, Any]]], now: datetime
    ) -> list[bool]:
        """Store raw updates (external id, user key, payload) of one channel in one statement; for each,
        whether it was new (not stored before, nor a repeat of an earlier one in `updates`)."""
        rows = [
            {
                "channel": channel,
                "external_id": external_id,
                "user_key": user_key,
                "payload": payload,
                "received_at": now,
            }
            for external_id, user_key, payload in updates
        ]
        stored = await insert_many_unless_duplicate(
            self._session, _TABLE, rows, ("channel", "external_id"), "external_id"
        )
        new = []
        for external_id, _, _ in updates:
            new.append(external_id in stored)
            stored.discard(external_id)
        return new

    async def claim_next(self, channel: str | None = None) -> InboxRecord | None:
        """The oldest pending event of a person with no older pending event, locked for this transaction.

        On PostgreSQL `SKIP LOCKED` lets several workers share the queue while each person's events stay
        in order: a person's next event is only eligible once the one before it is done.
        """
        claimed = await self.claim(channel, limit=1)
        return claimed[0] if claimed else None

    async def claim(
        self, channel: str | None = None, *, limit: int, only: int | None = None
    ) -> list[InboxRecord]:
        """Up to `limit` events as `claim_next` picks them, oldest first: one per person at most, since a
        person's later event waits for the earlier one. `only`: that event of `channel`, if still eligible."""
        if only is not None:
            params = {"channel": channel, "limit": 1, "inbox_id": only}
            result = await self._session.execute(_CLAIM_THIS_ONE, params)
        elif channel is None:
            result = await self._session.execute(_CLAIM, {"limit": limit})
        else:
            result = await self._session.execute(_CLAIM_IN_CHANNEL, {"channel": channel, "limit": limit})
        return [
            InboxRecord(row.id, row.channel, row.external_id, row.user_key, row.payload, row.attempts)
            for row in result
        ]

    async def mark_done(self, inbox_id: int, now: datetime) -> None:
        await self.mark_all_done([inbox_id], now)

    async def mark_all_done(self, inbox_ids: Sequence[int], now: datetime) -> None:
        await self._session.execute(_MARK_DONE, [{"inbox_id": i, "done_at": now} for i in inbox_ids])

    async def mark_failed(self, inbox_id: int, error: str, now: datetime) -> None:
        """Count a failed attempt; after MAX_ATTEMPTS the event is parked as failed so others can go on."""
        row = await self._session.get(InboxEvent, inbox_id)
        if row is None:
            return
        row.attempts += 1
        row.error = error[:2000]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
            row.processed_at = now
        await self._session.flush()

    async def pending_count(self) -> int:
        count = await self._session.scalar(select(func.count()).where(InboxEvent.status == "pending"))
        return int(count or 0)

    async def drop_payloads(self, inbox_ids: Sequence[int]) -> int:
        """Forget the raw update of these events once handled (done, or parked as failed): a shared contact
        holds a phone number and names. A pending event keeps its payload: it will be tried again."""
        if not inbox_ids:
            return 0
        result = await self._session.execute(
            update(_TABLE)
            .where(_COLUMNS.id.in_(inbox_ids), _COLUMNS.status != "pending", _COLUMNS.payload.is_not(None))
            .values(payload=null())
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def prune_payloads(self, processed_before: datetime, *, limit: int) -> int:
        """Forget the raw update of up to `limit` events handled before `processed_before`; returns how many.
        The rows stay: their (channel, external id) still turns a redelivery away."""
        oldest = (
            select(_COLUMNS.id)
            .where(_COLUMNS.payload.is_not(None), _COLUMNS.processed_at < processed_before)
            .order_by(_COLUMNS.processed_at)
            .limit(limit)
        )
        result = await self._session.execute(
            update(_TABLE).where(_COLUMNS.id.in_(oldest.scalar_subquery())).values(payload=null())
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def prunable_count(self, processed_before: datetime) -> int:
        """How many events handled before `processed_before` still keep their raw update."""
        count = await self._session.scalar(
            select(func.count()).where(
                _COLUMNS.payload.is_not(None), _COLUMNS.processed_at < processed_before
            )
        )
        return int(count or 0)
