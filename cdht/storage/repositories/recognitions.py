from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import RecognitionRecord
from cdht.storage.tables import Recognition


def _record(row: Recognition) -> RecognitionRecord:
    return RecognitionRecord(
        id=row.id,
        unit_id=row.unit_id,
        year=row.year,
        level=row.level,
        decision_number=row.decision_number,
        decided_on=row.decided_on,
        body=row.body,
    )


class SqlRecognitionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, recognition: RecognitionRecord, now: datetime) -> RecognitionRecord:
        row = Recognition(
            unit_id=recognition.unit_id,
            year=recognition.year,
            level=recognition.level,
            decision_number=recognition.decision_number,
            decided_on=recognition.decided_on,
            body=recognition.body,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return _record(row)

    async def for_units(self, unit_ids: Sequence[int]) -> list[RecognitionRecord]:
        if not unit_ids:
            return []
        rows = await self._session.scalars(
            select(Recognition).where(Recognition.unit_id.in_(list(unit_ids))).order_by(Recognition.id)
        )
        return [_record(row) for row in rows]
