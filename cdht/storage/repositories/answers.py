from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import AnswerOfRecord, AnswerRecord, NewAnswer
from cdht.storage.repositories.codec import decode_value, encode_value
from cdht.storage.repositories.inserts import insert_later
from cdht.storage.tables import Answer, Person, table_of

_TABLE = table_of(Answer)
_PEOPLE = table_of(Person)
_COUNT_UNITS = 1_000  # units per counting query: well within both backends' limits on bound parameters
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

    async def count_current(self, unit_ids: Sequence[int], year: int) -> int:
        total = 0
        ids = list(dict.fromkeys(unit_ids))
        for start in range(0, len(ids), _COUNT_UNITS):
            pairs = (
                select(Answer.unit_id, Answer.question_id)
                .where(Answer.unit_id.in_(ids[start : start + _COUNT_UNITS]), Answer.year == year)
                .group_by(Answer.unit_id, Answer.question_id)
                .subquery()
            )
            total += (await self._session.execute(select(func.count()).select_from(pairs))).scalar_one()
        return total

    async def stream_current(
        self, unit_ids: Sequence[int], year: int, *, units_per_batch: int = 100
    ) -> AsyncIterator[list[AnswerOfRecord]]:
        """One query per batch of units (the newest row per question, with its person's name); each batch
        is read whole before it is handed on, so no cursor stays open while the caller writes."""
        ids = list(dict.fromkeys(unit_ids))
        place = {unit_id: index for index, unit_id in enumerate(ids)}
        size = max(1, units_per_batch)
        for start in range(0, len(ids), size):
            newest = (
                select(func.max(Answer.id).label("id"))
                .where(Answer.unit_id.in_(ids[start : start + size]), Answer.year == year)
                .group_by(Answer.unit_id, Answer.question_id)
                .subquery()
            )
            rows = (
                await self._session.execute(
                    select(_TABLE, _PEOPLE.c.name.label("answered_by"))
                    .join(newest, newest.c.id == _TABLE.c.id)
                    .outerjoin(_PEOPLE, _PEOPLE.c.id == _TABLE.c.person_id)
                )
            ).all()
            batch = [AnswerOfRecord(_record(row), row.answered_by) for row in rows]
            batch = [item for item in batch if item.answer.value is not None]
            batch.sort(key=lambda item: (place[item.answer.unit_id], item.answer.question_id))
            if batch:
                yield batch
