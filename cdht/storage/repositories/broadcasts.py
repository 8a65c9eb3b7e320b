from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import BroadcastRecord
from cdht.storage.tables import Broadcast, OutboxMessage, Person


def _record(row: Broadcast) -> BroadcastRecord:
    return BroadcastRecord(
        id=row.id,
        author_id=row.author_id,
        text=row.text,
        audience=row.audience,
        status=row.status,
        created_at=row.created_at,
        attachment_sha256=row.attachment_sha256,
        attachment_name=row.attachment_name,
        attachment_kind=row.attachment_kind,
        recipients=row.recipients,
        progress_channel=row.progress_channel,
        progress_chat_id=row.progress_chat_id,
        queued_through=row.queued_through,
    )


class SqlBroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, broadcast: BroadcastRecord) -> BroadcastRecord:
        row = Broadcast(
            author_id=broadcast.author_id,
            text=broadcast.text,
            audience=broadcast.audience,
            status=broadcast.status,
            attachment_sha256=broadcast.attachment_sha256,
            attachment_name=broadcast.attachment_name,
            attachment_kind=broadcast.attachment_kind,
            recipients=broadcast.recipients,
            progress_channel=broadcast.progress_channel,
            progress_chat_id=broadcast.progress_chat_id,
            created_at=broadcast.created_at,
            updated_at=broadcast.created_at,
        )
        self._session.add(row)
        await self._session.flush()
        return _record(row)

    async def get(self, broadcast_id: int) -> BroadcastRecord | None:
        row = await self._session.get(Broadcast, broadcast_id)
        return _record(row) if row else None

    async def set_status(
        self, broadcast_id: int, status: str, now: datetime, *, recipients: int | None = None
    ) -> None:
        values: dict[str, object] = {"status": status, "updated_at": now}
        if recipients is not None:
            values["recipients"] = recipients
        await self._session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values(**values))

    async def active(self) -> list[BroadcastRecord]:
        """Broadcasts being queued or sent."""
        rows = await self._session.scalars(
            select(Broadcast).where(Broadcast.status.in_(("queuing", "sending"))).order_by(Broadcast.id)
        )
        return [_record(row) for row in rows]

    async def queued_through(self, broadcast_id: int, person_id: int, now: datetime, *, done: bool) -> bool:
        """Move a fan-out's cursor past `person_id` (and to "sending" when `done`); False when the
        broadcast is no longer being queued (cancelled meanwhile)."""
        values: dict[str, object] = {"queued_through": person_id, "updated_at": now}
        if done:
            values["status"] = "sending"
        result = await self._session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == "queuing")
            .values(**values)
        )
        return bool(getattr(result, "rowcount", 0))

    async def delivery_counts(self, broadcast_id: int) -> dict[str, int]:
        rows = await self._session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.broadcast_id == broadcast_id)
            .group_by(OutboxMessage.status)
        )
        return {status: count for status, count in rows}

    async def unreachable_count(self, broadcast_id: int) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .join(Person, Person.id == OutboxMessage.person_id)
            .where(OutboxMessage.broadcast_id == broadcast_id, Person.reachable.is_(False))
        )
        return int(count or 0)

    async def cancel_pending(self, broadcast_id: int) -> int:
        result = await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.status == "pending")
            .values(status="cancelled")
        )
        return int(getattr(result, "rowcount", 0) or 0)
