"""Answers, evidence, conversation sessions, review states and recognition decisions, in memory."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, fields, replace
from datetime import datetime

from cdht.handlers.ports import (
    AnswerOfRecord,
    AnswerRecord,
    EvidenceRecord,
    NewAnswer,
    NewEvidence,
    RecognitionRecord,
    SessionRecord,
    YearRecord,
)
from tests.fakes.memory.database import Transaction
from tests.fakes.memory.tables import ConstraintViolation, Tables, as_json, require


def _detached(answer: AnswerRecord) -> AnswerRecord:
    """A copy the caller may change (a list or location value is mutable)."""
    return replace(answer, value=copy.deepcopy(answer.value))


class MemoryAnswerRepository:
    """Append-only: every change is a new answer and the newest per question wins."""

    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def add(self, answer: NewAnswer) -> None:
        values = {f.name: getattr(answer, f.name) for f in fields(NewAnswer)}
        record = _detached(AnswerRecord(**values, id=self._tx.new_id("answers")))

        def add(tables: Tables) -> None:
            require(tables.units, record.unit_id, "unit")
            require(tables.people, record.person_id, "person")
            tables.answers[record.id] = record

        self._tx.write(add)

    async def latest(self, unit_id: int, year: int) -> dict[str, AnswerRecord]:
        return (await self.latest_for_units([unit_id], year)).get(unit_id, {})

    async def latest_for_units(
        self, unit_ids: Sequence[int], year: int
    ) -> dict[int, dict[str, AnswerRecord]]:
        wanted = set(unit_ids)
        newest: dict[tuple[int, str], AnswerRecord] = {}
        for _, answer in sorted(self._tx.tables.answers.items()):
            if answer.unit_id in wanted and answer.year == year:
                newest[(answer.unit_id, answer.question_id)] = answer
        result: dict[int, dict[str, AnswerRecord]] = {}
        for answer in sorted(newest.values(), key=lambda answer: answer.id):
            result.setdefault(answer.unit_id, {})[answer.question_id] = _detached(answer)
        return result

    async def history(self, unit_id: int, year: int, question_id: str) -> list[AnswerRecord]:
        return [
            _detached(answer)
            for _, answer in sorted(self._tx.tables.answers.items())
            if (answer.unit_id, answer.year, answer.question_id) == (unit_id, year, question_id)
        ]

    async def count_current(self, unit_ids: Sequence[int], year: int) -> int:
        wanted = set(unit_ids)
        answers = self._tx.tables.answers.values()
        return len({(a.unit_id, a.question_id) for a in answers if a.unit_id in wanted and a.year == year})

    async def stream_current(
        self, unit_ids: Sequence[int], year: int, *, units_per_batch: int = 100
    ) -> AsyncIterator[list[AnswerOfRecord]]:
        ids = list(dict.fromkeys(unit_ids))
        size = max(1, units_per_batch)
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            latest = await self.latest_for_units(chunk, year)
            people = self._tx.tables.people
            batch = [
                AnswerOfRecord(answer, people[answer.person_id].name if answer.person_id in people else None)
                for unit_id in chunk
                for _, answer in sorted(latest.get(unit_id, {}).items())
                if answer.value is not None
            ]
            if batch:
                yield batch


class MemoryEvidenceRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def add(self, evidence: NewEvidence) -> EvidenceRecord:
        record = EvidenceRecord(**asdict(evidence), id=self._tx.new_id("evidence"))

        def add(tables: Tables) -> EvidenceRecord:
            require(tables.units, record.unit_id, "unit")
            require(tables.people, record.person_id, "person")
            tables.evidence[record.id] = record
            return record

        return self._tx.write(add)

    async def for_unit(self, unit_id: int, year: int) -> list[EvidenceRecord]:
        return [
            record
            for _, record in sorted(self._tx.tables.evidence.items())
            if record.unit_id == unit_id and record.year == year
        ]

    async def for_units(self, unit_ids: Sequence[int], year: int) -> list[EvidenceRecord]:
        wanted = set(unit_ids)
        return [
            record
            for _, record in sorted(self._tx.tables.evidence.items())
            if record.unit_id in wanted and record.year == year
        ]

    async def counts(self, unit_ids: Sequence[int], year: int) -> dict[int, dict[str, int]]:
        """Evidence files per unit and per fact (or question id when the evidence names no fact)."""
        wanted = set(unit_ids)
        result: dict[int, dict[str, int]] = {}
        for record in self._tx.tables.evidence.values():
            if record.unit_id in wanted and record.year == year:
                per_unit = result.setdefault(record.unit_id, {})
                key = record.fact or record.question_id
                per_unit[key] = per_unit.get(key, 0) + 1
        return result


def _session_copy(record: SessionRecord) -> SessionRecord:
    return replace(record, state=as_json(record.state))


class MemorySessionRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def get(
        self, person_id: int, unit_id: int, year: int, questionnaire_id: str
    ) -> SessionRecord | None:
        record = self._tx.tables.sessions.get((person_id, unit_id, year, questionnaire_id))
        return None if record is None else _session_copy(record)

    async def save(self, record: SessionRecord) -> None:
        """Insert, or update the state, completion and time of the session with the same key."""
        key = (record.person_id, record.unit_id, record.year, record.questionnaire_id)
        saved = _session_copy(record)
        new_id = self._tx.new_id("sessions")

        def save(tables: Tables) -> None:
            require(tables.people, record.person_id, "person")
            require(tables.units, record.unit_id, "unit")
            old = tables.sessions.get(key)
            tables.sessions[key] = replace(saved, id=new_id if old is None else old.id)

        self._tx.write(save)

    async def for_person(self, person_id: int) -> list[SessionRecord]:
        found = [s for s in self._tx.tables.sessions.values() if s.person_id == person_id]
        return [_session_copy(s) for s in sorted(found, key=lambda s: (s.updated_at, s.id), reverse=True)]

    async def for_units(
        self, unit_ids: Sequence[int], year: int, questionnaire_id: str
    ) -> list[SessionRecord]:
        """Sessions of these units, newest first (several people may have answered for one unit)."""
        wanted = set(unit_ids)
        found = [
            s
            for s in self._tx.tables.sessions.values()
            if s.unit_id in wanted and s.year == year and s.questionnaire_id == questionnaire_id
        ]
        return [_session_copy(s) for s in sorted(found, key=lambda s: (s.updated_at, s.id), reverse=True)]


class MemoryYearRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def get(self, unit_id: int, year: int) -> YearRecord | None:
        return self._tx.tables.years.get((unit_id, year))

    async def for_units(self, unit_ids: Sequence[int], year: int) -> dict[int, YearRecord]:
        years = self._tx.tables.years
        return {unit_id: years[(unit_id, year)] for unit_id in unit_ids if (unit_id, year) in years}

    async def save(self, record: YearRecord, now: datetime) -> None:
        saved = replace(record, returned_questions=tuple(record.returned_questions))

        def save(tables: Tables) -> None:
            require(tables.units, record.unit_id, "unit")
            tables.years[(record.unit_id, record.year)] = saved

        self._tx.write(save)


class MemoryRecognitionRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def add(self, recognition: RecognitionRecord, now: datetime) -> RecognitionRecord:
        record = replace(recognition, id=self._tx.new_id("recognitions"))
        key = (record.unit_id, record.year, record.decision_number)

        def add(tables: Tables) -> RecognitionRecord:
            require(tables.units, record.unit_id, "unit")
            if any((r.unit_id, r.year, r.decision_number) == key for r in tables.recognitions.values()):
                raise ConstraintViolation(f"decision {record.decision_number!r} is recorded")
            tables.recognitions[record.id] = record
            return record

        return self._tx.write(add)

    async def for_units(self, unit_ids: Sequence[int]) -> list[RecognitionRecord]:
        wanted = set(unit_ids)
        return [r for _, r in sorted(self._tx.tables.recognitions.items()) if r.unit_id in wanted]
