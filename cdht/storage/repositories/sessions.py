"""Sessions are read and written with Core statements (no ORM identity map): `save` is one upsert (kept for the
next statement by a batching session), and a later read in the same transaction sees what it wrote."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import SessionRecord
from cdht.storage.batching import reads_ahead, remembered
from cdht.storage.repositories.inserts import upsert_later
from cdht.storage.tables import ConversationSession, table_of

_TABLE = table_of(ConversationSession)
_KEY = ("person_id", "unit_id", "year", "questionnaire_id")
_COLUMNS = _TABLE.c
_ONE = select(_TABLE).where(*(_COLUMNS[name] == bindparam(name) for name in _KEY))
_OF_PEOPLE = select(_TABLE).where(_COLUMNS.person_id.in_(bindparam("people", expanding=True)))
Wanted = tuple[int, int, Sequence[tuple[int, str]]]  # person, unit, (year, questionnaire) of each session
_AHEAD = ("sessions.get", ())  # given out once by `get`; `save` forgets the one it writes


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

    async def get(
        self, person_id: int, unit_id: int, year: int, questionnaire_id: str
    ) -> SessionRecord | None:
        key = (person_id, unit_id, year, questionnaire_id)
        fetched = remembered(self._session, *_AHEAD)
        if fetched is not None and key in fetched:
            return fetched.pop(key)  # type: ignore[no-any-return]
        result = await self._session.execute(
            _ONE,
            {"person_id": person_id, "unit_id": unit_id, "year": year, "questionnaire_id": questionnaire_id},
        )
        row = result.first()
        return _record(row) if row else None

    async def save(self, record: SessionRecord) -> None:
        fetched = remembered(self._session, *_AHEAD)
        if fetched is not None:
            fetched.pop((record.person_id, record.unit_id, record.year, record.questionnaire_id), None)
        values = {
            "person_id": record.person_id,
            "unit_id": record.unit_id,
            "year": record.year,
            "questionnaire_id": record.questionnaire_id,
            "state": record.state,
            "completed": record.completed,
            "updated_at": record.updated_at,
        }
        await upsert_later(self._session, _TABLE, values, _KEY, ("state", "completed", "updated_at"))

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


async def prefetch_sessions(session: AsyncSession, wanted: Sequence[Wanted]) -> None:
    """Read the wanted sessions of several people in one query; the next `get` of each (in this transaction,
    before it is saved) is answered from it (a batching session only). Sessions are only written through
    `save`, which forgets the one it writes."""
    fetched = reads_ahead(session, *_AHEAD)
    keys = [
        (person_id, unit_id, year, questionnaire_id)
        for person_id, unit_id, sessions in wanted
        for year, questionnaire_id in sessions
        if (person_id, unit_id, year, questionnaire_id) not in fetched
    ]
    if not keys:
        return
    people = sorted({key[0] for key in keys})
    result = await session.execute(_OF_PEOPLE, {"people": people})
    found = {(row.person_id, row.unit_id, row.year, row.questionnaire_id): _record(row) for row in result}
    for key in keys:
        fetched[key] = found.get(key)
