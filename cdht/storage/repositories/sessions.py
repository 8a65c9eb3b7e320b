"""Sessions are read and written with Core statements (no ORM identity map): `save` is one upsert, and a later
read in the same transaction sees what it wrote."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import SessionRecord
from cdht.storage.repositories.inserts import upsert
from cdht.storage.tables import ConversationSession, table_of

_TABLE = table_of(ConversationSession)
_KEY = ("person_id", "unit_id", "year", "questionnaire_id")
_COLUMNS = _TABLE.c
_ONE = select(_TABLE).where(*(_COLUMNS[name] == bindparam(name) for name in _KEY))
_TWO = select(_TABLE).where(
    _COLUMNS.person_id == bindparam("person_id"),
    _COLUMNS.unit_id == bindparam("unit_id"),
    or_(
        and_(_COLUMNS.year == bindparam("year0"), _COLUMNS.questionnaire_id == bindparam("questionnaire0")),
        and_(_COLUMNS.year == bindparam("year1"), _COLUMNS.questionnaire_id == bindparam("questionnaire1")),
    ),
)
Key = tuple[int, int, int, str]


def _record(row: Any) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        person_id=row.person_id,
        unit_id=row.unit_id,
        year=row.year,
        questionnaire_id=row.questionnaire_id,
        state=row.state,
        completed=row.completed,
        updated_at=row.updated_at,
    )


class SqlSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._fetched: dict[Key, SessionRecord | None] = {}  # read ahead, given out once by `get`

    async def read_ahead(
        self, person_id: int, unit_id: int, first: tuple[int, str], second: tuple[int, str]
    ) -> None:
        """Read two of a person's sessions in one query; the next `get` of each (in this transaction, before
        they are saved) is answered from it. Sessions are only written through `save`, which forgets them."""
        self._fetched.clear()
        result = await self._session.execute(
            _TWO,
            {
                "person_id": person_id,
                "unit_id": unit_id,
                "year0": first[0],
                "questionnaire0": first[1],
                "year1": second[0],
                "questionnaire1": second[1],
            },
        )
        found = {(row.year, row.questionnaire_id): _record(row) for row in result}
        for year, questionnaire_id in (first, second):
            self._fetched[(person_id, unit_id, year, questionnaire_id)] = found.get((year, questionnaire_id))

    async def get(
        self, person_id: int, unit_id: int, year: int, questionnaire_id: str
    ) -> SessionRecord | None:
        key = (person_id, unit_id, year, questionnaire_id)
        if key in self._fetched:
            return self._fetched.pop(key)
        result = await self._session.execute(
            _ONE,
            {"person_id": person_id, "unit_id": unit_id, "year": year, "questionnaire_id": questionnaire_id},
        )
        row = result.first()
        return _record(row) if row else None

    async def save(self, record: SessionRecord) -> SessionRecord:
        self._fetched.pop((record.person_id, record.unit_id, record.year, record.questionnaire_id), None)
        values = {
            "person_id": record.person_id,
            "unit_id": record.unit_id,
            "year": record.year,
            "questionnaire_id": record.questionnaire_id,
            "state": record.state,
            "completed": record.completed,
            "updated_at": record.updated_at,
        }
        session_id = await upsert(self._session, _TABLE, values, _KEY, ("state", "completed", "updated_at"))
        return dataclasses.replace(record, id=session_id)

    async def for_person(self, person_id: int) -> list[SessionRecord]:
        result = await self._session.execute(
            select(_TABLE).where(_COLUMNS.person_id == person_id).order_by(_COLUMNS.updated_at.desc())
        )
        return [_record(row) for row in result]

    async def for_units(
        self, unit_ids: Sequence[int], year: int, questionnaire_id: str
    ) -> list[SessionRecord]:
        """Sessions of these units, newest first (several people may have answered for one unit)."""
        if not unit_ids:
            return []
        result = await self._session.execute(
            select(_TABLE)
            .where(
                _COLUMNS.unit_id.in_(list(unit_ids)),
                _COLUMNS.year == year,
                _COLUMNS.questionnaire_id == questionnaire_id,
            )
            .order_by(_COLUMNS.updated_at.desc(), _COLUMNS.id.desc())
        )
        return [_record(row) for row in result]
