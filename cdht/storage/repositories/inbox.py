from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from cdht.handlers.ports import InboxRecord
from cdht.storage.tables import InboxEvent

MAX_ATTEMPTS = 5  # keep equal to cdht.handlers.inbox_worker.MAX_ATTEMPTS


class SqlInboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, channel: str, external_id: str, user_key: str, payload: dict[str, Any], now: datetime
    ) -> int | None:
        """Store a raw update; None when this (channel, external id) was stored before (a redelivery)."""
        row = InboxEvent(
            channel=channel, external_id=external_id, user_key=user_key, payload=payload, received_at=now
        )
        try:
            async with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError:
            return None
        return row.id

    async def claim_next(self, channel: str | None = None) -> InboxRecord | None:
        """The oldest pending event of a person with no older pending event, locked for this transaction.

        On PostgreSQL `SKIP LOCKED` lets several workers share the queue while each person's events stay
        in order: a person's next event is only eligible once the one before it is done.
        """
        older = aliased(InboxEvent)
        query = (
            select(InboxEvent)
            .where(
                InboxEvent.status == "pending",
                ~exists().where(
                    older.user_key == InboxEvent.user_key, older.status == "pending", older.id < InboxEvent.id
                ),
            )
            .order_by(InboxEvent.id)
            .limit(1)
            .with_for_update(skip_locked=True, of=InboxEvent)
        )
        if channel is not None:
            query = query.where(InboxEvent.channel == channel)
        row = await self._session.scalar(query)
        if row is None:
            return None
        return InboxRecord(row.id, row.channel, row.external_id, row.user_key, row.payload, row.attempts)

    async def mark_done(self, inbox_id: int, now: datetime) -> None:
        await self._session.execute(
            update(InboxEvent).where(InboxEvent.id == inbox_id).values(status="done", processed_at=now)
        )

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
