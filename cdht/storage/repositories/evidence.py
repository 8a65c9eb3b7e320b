from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, fields

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import EvidenceRecord, NewEvidence
from cdht.storage.tables import Evidence

_FIELDS = [f.name for f in fields(EvidenceRecord)]


def _record(row: Evidence) -> EvidenceRecord:
    return EvidenceRecord(**{name: getattr(row, name) for name in _FIELDS})


class SqlEvidenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, evidence: NewEvidence) -> EvidenceRecord:
        row = Evidence(**asdict(evidence))
        self._session.add(row)
        await self._session.flush()
        return _record(row)

    async def for_unit(self, unit_id: int, year: int) -> list[EvidenceRecord]:
        rows = await self._session.scalars(
            select(Evidence).where(Evidence.unit_id == unit_id, Evidence.year == year).order_by(Evidence.id)
        )
        return [_record(row) for row in rows]

    async def for_units(self, unit_ids: Sequence[int], year: int) -> list[EvidenceRecord]:
        if not unit_ids:
            return []
        rows = await self._session.scalars(
            select(Evidence)
            .where(Evidence.unit_id.in_(list(unit_ids)), Evidence.year == year)
            .order_by(Evidence.id)
        )
        return [_record(row) for row in rows]

    async def counts(self, unit_ids: Sequence[int], year: int) -> dict[int, dict[str, int]]:
        """Evidence files per unit and per fact (or question id when the evidence names no fact)."""
        if not unit_ids:
            return {}
        key = func.coalesce(Evidence.fact, Evidence.question_id)
        rows = await self._session.execute(
            select(Evidence.unit_id, key, func.count())
            .where(Evidence.unit_id.in_(list(unit_ids)), Evidence.year == year)
            .group_by(Evidence.unit_id, key)
        )
        result: dict[int, dict[str, int]] = {}
        for unit_id, item, count in rows:
            result.setdefault(unit_id, {})[item] = count
        return result
