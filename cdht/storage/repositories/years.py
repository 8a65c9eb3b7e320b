from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import YearRecord
from cdht.storage.tables import AssessmentYear, table_of

_YEARS = table_of(AssessmentYear)
_ONE = select(_YEARS).where(  # on every answer: built once
    _YEARS.c.unit_id == bindparam("unit_id"), _YEARS.c.year == bindparam("year")
)


def year_record(row: Any, prefix: str = "") -> YearRecord:
    """A review state from an assessment_years row or entity (from a joined row: columns `prefix` + name)."""
    returned = getattr(row, f"{prefix}returned_questions") or {}
    return YearRecord(
        unit_id=getattr(row, f"{prefix}unit_id"),
        year=getattr(row, f"{prefix}year"),
        status=getattr(row, f"{prefix}status"),
        returned_questions=tuple(returned.get("questions", [])),
        note=returned.get("note"),
        deadline=getattr(row, f"{prefix}deadline"),
    )


_record = year_record


class SqlYearRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, unit_id: int, year: int) -> YearRecord | None:
        row = (await self._session.execute(_ONE, {"unit_id": unit_id, "year": year})).first()
        return _record(row) if row else None

    async def for_units(self, unit_ids: Sequence[int], year: int) -> dict[int, YearRecord]:
        if not unit_ids:
            return {}
        rows = await self._session.scalars(
            select(AssessmentYear).where(
                AssessmentYear.unit_id.in_(list(unit_ids)), AssessmentYear.year == year
            )
        )
        return {row.unit_id: _record(row) for row in rows}

    async def save(self, record: YearRecord, now: datetime) -> None:
        row = await self._session.scalar(
            select(AssessmentYear).where(
                AssessmentYear.unit_id == record.unit_id, AssessmentYear.year == record.year
            )
        )
        if row is None:
            row = AssessmentYear(unit_id=record.unit_id, year=record.year)
            self._session.add(row)
        row.status = record.status
        row.returned_questions = {"questions": list(record.returned_questions), "note": record.note}
        row.deadline = record.deadline
        row.updated_at = now
        await self._session.flush()
