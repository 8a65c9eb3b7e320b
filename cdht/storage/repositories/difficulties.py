from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import DifficultyRecord
from cdht.storage.tables import Difficulty


def _record(row: Difficulty) -> DifficultyRecord:
    return DifficultyRecord(
        id=row.id,
        person_id=row.person_id,
        unit_id=row.unit_id,
        text=row.text,
        status=row.status,
        created_at=row.created_at,
        answer=row.answer,
        answered_by=row.answered_by,
        answered_at=row.answered_at,
    )


class SqlDifficultyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, difficulty: DifficultyRecord) -> DifficultyRecord:
        row = Difficulty(
            person_id=difficulty.person_id,
            unit_id=difficulty.unit_id,
            text=difficulty.text,
            status=difficulty.status,
            created_at=difficulty.created_at,
        )
        self._session.add(row)
        await self._session.flush()
        return _record(row)

    async def get(self, difficulty_id: int) -> DifficultyRecord | None:
        row = await self._session.get(Difficulty, difficulty_id)
        return _record(row) if row else None

    async def open_for_units(self, unit_ids: Sequence[int]) -> list[DifficultyRecord]:
        if not unit_ids:
            return []
        rows = await self._session.scalars(
            select(Difficulty)
            .where(Difficulty.unit_id.in_(list(unit_ids)), Difficulty.status == "open")
            .order_by(Difficulty.id)
        )
        return [_record(row) for row in rows]

    async def answer(self, difficulty_id: int, text: str, answered_by: int, now: datetime) -> None:
        await self._session.execute(
            update(Difficulty)
            .where(Difficulty.id == difficulty_id)
            .values(status="answered", answer=text, answered_by=answered_by, answered_at=now)
        )

    async def raised_between(
        self, unit_ids: Sequence[int], since: datetime, until: datetime
    ) -> list[DifficultyRecord]:
        if not unit_ids:
            return []
        rows = await self._session.scalars(
            select(Difficulty)
            .where(
                Difficulty.unit_id.in_(list(unit_ids)),
                Difficulty.created_at >= since,
                Difficulty.created_at < until,
            )
            .order_by(Difficulty.created_at, Difficulty.id)
        )
        return [_record(row) for row in rows]
