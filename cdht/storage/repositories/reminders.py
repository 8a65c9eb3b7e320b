from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.storage.tables import ReminderSent


class SqlReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, person_id: int, day: date, kind: str, now: datetime) -> bool:
        """Claim today's reminder for this person; False when one was already recorded (by any worker)."""
        try:
            async with self._session.begin_nested():
                self._session.add(ReminderSent(person_id=person_id, day=day, kind=kind, created_at=now))
        except IntegrityError:
            return False
        return True

    async def last_days(self, person_ids: Sequence[int], kind: str) -> dict[int, date]:
        """`last_day` of several people in one query (those never reminded are absent)."""
        if not person_ids:
            return {}
        rows = await self._session.execute(
            select(ReminderSent.person_id, func.max(ReminderSent.day))
            .where(ReminderSent.person_id.in_(list(person_ids)), ReminderSent.kind == kind)
            .group_by(ReminderSent.person_id)
        )
        return {person_id: day for person_id, day in rows}

    async def last_day(self, person_id: int, kind: str) -> date | None:
        day: date | None = await self._session.scalar(
            select(func.max(ReminderSent.day)).where(
                ReminderSent.person_id == person_id, ReminderSent.kind == kind
            )
        )
        return day
