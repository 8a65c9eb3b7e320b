from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import AnswerRecord, NewAnswer
from cdht.storage.repositories.codec import decode_value, encode_value
from cdht.storage.repositories.inserts import insert_later
from cdht.storage.tables import Answer, table_of

_TABLE = table_of(Answer)
_NEW_FIELDS = dataclasses.fields(NewAnswer)


def _record(row: Any) -> AnswerRecord:
    return AnswerRecord(
        id=row.id,
        unit_id=row.unit_id,
        year=row.year,
        question_id=row.question_id,
        fact=row.fact,
        value=decode_value(row.value),
        display=row.display,
        person_id=row.person_id,
        source=row.source,
        questionnaire_id=row.questionnaire_id,
        questionnaire_version=row.questionnaire_version,
        questionnaire_hash=row.questionnaire_hash,
        answered_at=row.answered_at,
    )


class SqlAnswerRepository:
    """Answers are append-only: every change is a new row and the newest row per question wins."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, answer: NewAnswer) -> None:
        values = {field.name: getattr(answer, field.name) for field in _NEW_FIELDS}
        await insert_later(self._session, _TABLE, {**values, "value": encode_value(answer.value)})

    async def latest(self, unit_id: int, year: int) -> dict[str, AnswerRecord]:
        return (await self.latest_for_units([unit_id], year)).get(unit_id, {})

    async def latest_for_units(
        self, unit_ids: Sequence[int], year: int
    ) -> dict[int, dict[str, AnswerRecord]]:
        if not unit_ids:
            return {}
        newest = (
            select(func.max(Answer.id))
            .where(Answer.unit_id.in_(list(unit_ids)), Answer.year == year)
            .group_by(Answer.unit_id, Answer.question_id)
        )
        rows = await self._session.execute(
            select(_TABLE).where(_TABLE.c.id.in_(newest)).order_by(_TABLE.c.id)
        )
        # plain rows: a province's answers are loaded at once, ORM objects cost twice as much
        result: dict[int, dict[str, AnswerRecord]] = {}
        for row in rows:
            result.setdefault(row.unit_id, {})[row.question_id] = _record(row)
        return result

    async def history(self, unit_id: int, year: int, question_id: str) -> list[AnswerRecord]:
        rows = await self._session.scalars(
            select(Answer)
            .where(Answer.unit_id == unit_id, Answer.year == year, Answer.question_id == question_id)
            .order_by(Answer.id)
        )
        return [_record(row) for row in rows]
