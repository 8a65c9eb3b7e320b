from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import SessionRecord
from cdht.storage.tables import ConversationSession


def _record(row: ConversationSession) -> SessionRecord:
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
        row = await self._session.scalar(
            select(ConversationSession).where(
                ConversationSession.person_id == person_id,
                ConversationSession.unit_id == unit_id,
                ConversationSession.year == year,
                ConversationSession.questionnaire_id == questionnaire_id,
            )
        )
        return _record(row) if row else None

    async def save(self, record: SessionRecord) -> SessionRecord:
        row = await self._session.scalar(
            select(ConversationSession).where(
                ConversationSession.person_id == record.person_id,
                ConversationSession.unit_id == record.unit_id,
                ConversationSession.year == record.year,
                ConversationSession.questionnaire_id == record.questionnaire_id,
            )
        )
        if row is None:
            row = ConversationSession(
                person_id=record.person_id,
                unit_id=record.unit_id,
                year=record.year,
                questionnaire_id=record.questionnaire_id,
            )
            self._session.add(row)
        row.state = record.state
        row.completed = record.completed
        row.updated_at = record.updated_at
        await self._session.flush()
        return _record(row)

    async def for_person(self, person_id: int) -> list[SessionRecord]:
        rows = await self._session.scalars(
            select(ConversationSession)
            .where(ConversationSession.person_id == person_id)
            .order_by(ConversationSession.updated_at.desc())
        )
        return [_record(row) for row in rows]

    async def for_units(
        self, unit_ids: Sequence[int], year: int, questionnaire_id: str
    ) -> list[SessionRecord]:
        """Sessions of these units, newest first (several people may have answered for one unit)."""
        if not unit_ids:
            return []
        rows = await self._session.scalars(
            select(ConversationSession)
            .where(
                ConversationSession.unit_id.in_(list(unit_ids)),
                ConversationSession.year == year,
                ConversationSession.questionnaire_id == questionnaire_id,
            )
            .order_by(ConversationSession.updated_at.desc(), ConversationSession.id.desc())
        )
        return [_record(row) for row in rows]
