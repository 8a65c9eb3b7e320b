from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CTE, and_, bindparam, func, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import UnitRecord, YearRecord
from cdht.storage.batching import reads_ahead, remembered
from cdht.storage.repositories.years import year_record
from cdht.storage.tables import AssessmentYear, Unit, table_of

_UNITS = table_of(Unit)
MAX_DEPTH = 8  # province > district > commune > village, with room: a cycle can never run away
_COLUMNS = (Unit.id, Unit.code, Unit.name, Unit.tier, Unit.parent_id)
_BY_ID = select(_UNITS).where(_UNITS.c.id == bindparam("unit_id"))  # on every message: built once
_YEARS = table_of(AssessmentYear)
REVIEW = "review_"
_UNITS_WITH_REVIEW = (  # on every answer: the unit and its review state for the year, in one query
    select(_UNITS, *(column.label(f"{REVIEW}{column.name}") for column in _YEARS.c)).select_from(
        _UNITS.outerjoin(_YEARS, and_(_YEARS.c.unit_id == _UNITS.c.id, _YEARS.c.year == bindparam("year")))
    )
)
_WITH_REVIEW = _UNITS_WITH_REVIEW.where(_UNITS.c.id == bindparam("unit_id"))
_MANY_WITH_REVIEW = _UNITS_WITH_REVIEW.where(_UNITS.c.id.in_(bindparam("unit_ids", expanding=True)))
_AHEAD = ("units.with_review", ("units", "assessment_years"))


def _with_review(row: Any) -> tuple[UnitRecord | None, YearRecord | None]:
    if row is None:
        return None, None
    return _record(row), None if row.review_id is None else year_record(row, REVIEW)


def _record(row: Any) -> UnitRecord:
    return UnitRecord(id=row.id, code=row.code, name=row.name, tier=row.tier, parent_id=row.parent_id)


async def prefetch_with_review(session: AsyncSession, unit_ids: Sequence[int], year: int) -> None:
    """`with_review` of several units in one query, answered from memory until the transaction writes
    units or review states (a batching session only)."""
    known = reads_ahead(session, *_AHEAD)
    wanted = sorted({u for u in unit_ids if (u, year) not in known})
    if not wanted:
        return
    result = await session.execute(_MANY_WITH_REVIEW, {"unit_ids": wanted, "year": year})
    found = {row.id: _with_review(row) for row in result}
    for unit_id in wanted:
        known[(unit_id, year)] = found.get(unit_id, (None, None))


class SqlUnitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, unit_id: int) -> UnitRecord | None:
        row = (await self._session.execute(_BY_ID, {"unit_id": unit_id})).first()
        return _record(row) if row else None

    async def with_review(self, unit_id: int, year: int) -> tuple[UnitRecord | None, YearRecord | None]:
        """A unit and the review state of its answers for `year` (None: no review started)."""
        known = remembered(self._session, *_AHEAD)
        if known is not None and (unit_id, year) in known:
            return known[(unit_id, year)]  # type: ignore[no-any-return]
        row = (await self._session.execute(_WITH_REVIEW, {"unit_id": unit_id, "year": year})).first()
        return _with_review(row)

    async def by_code(self, code: str) -> UnitRecord | None:
        row = await self._session.scalar(select(Unit).where(Unit.code == code))
        return _record(row) if row else None

    async def by_codes(self, codes: Sequence[str]) -> dict[str, UnitRecord]:
        if not codes:
            return {}
        rows = await self._session.scalars(select(Unit).where(Unit.code.in_(list(codes))))
        return {row.code: _record(row) for row in rows}

    async def children(self, unit_id: int) -> list[UnitRecord]:
        rows = await self._session.scalars(select(Unit).where(Unit.parent_id == unit_id).order_by(Unit.code))
        return [_record(row) for row in rows]

    async def subtree(self, unit_id: int) -> list[UnitRecord]:
        """The unit and everything below it, parents before children (a recursive CTE on both backends).
        At most MAX_DEPTH levels down, each unit once at its first depth: stored cycles end the walk."""
        tree = (
            select(Unit.id, literal_column("0").label("depth"))
            .where(Unit.id == unit_id)
            .cte("tree", recursive=True)
        )
        tree = tree.union_all(
            select(Unit.id, (tree.c.depth + 1).label("depth"))
            .join(tree, Unit.parent_id == tree.c.id)
            .where(tree.c.depth < MAX_DEPTH)
        )
        return await self._walked(tree)

    async def ancestors(self, unit_id: int) -> list[UnitRecord]:
        """The unit, then its parent, and so on up to the top: nearest first, at most MAX_DEPTH steps up,
        each unit once (a stored cycle ends the walk where it closes)."""
        path = (
            select(Unit.id, Unit.parent_id, literal_column("0").label("depth"))
            .where(Unit.id == unit_id)
            .cte("path", recursive=True)
        )
        path = path.union_all(
            select(Unit.id, Unit.parent_id, (path.c.depth + 1).label("depth"))
            .join(path, Unit.id == path.c.parent_id)
            .where(path.c.depth < MAX_DEPTH)
        )
        return await self._walked(path)

    async def _walked(self, walk: CTE) -> list[UnitRecord]:
        """The units a recursive walk reached, each once at the depth it was first reached."""
        first = select(walk.c.id, func.min(walk.c.depth).label("depth")).group_by(walk.c.id).subquery()
        rows = await self._session.execute(
            select(*_COLUMNS).join(first, Unit.id == first.c.id).order_by(first.c.depth, Unit.id)
        )
        return [UnitRecord(*row) for row in rows]

    async def all(self) -> list[UnitRecord]:
        rows = await self._session.scalars(select(Unit).order_by(Unit.id))
        return [_record(row) for row in rows]

    async def add(self, code: str, name: str, tier: str, parent_id: int | None, now: datetime) -> UnitRecord:
        row = Unit(code=code, name=name, tier=tier, parent_id=parent_id, created_at=now)
        self._session.add(row)
        await self._session.flush()
        return _record(row)

    async def update(self, unit_id: int, *, name: str, tier: str, parent_id: int | None) -> None:
        await self._session.execute(
            update(Unit).where(Unit.id == unit_id).values(name=name, tier=tier, parent_id=parent_id)
        )
