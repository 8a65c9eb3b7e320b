"""Answers, their evidence, conversation sessions, the yearly review state and recognition decisions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

AnswerValue = int | float | bool | str | list[str] | date | dict[str, float] | None
"""A stored answer; a location is {latitude, longitude}."""


@dataclass(frozen=True)
class NewAnswer:
    unit_id: int
    year: int
    question_id: str
    value: AnswerValue
    answered_at: datetime
    source: str
    fact: str | None = None
    display: str = ""
    person_id: int | None = None
    questionnaire_id: str | None = None
    questionnaire_version: int | None = None
    questionnaire_hash: str | None = None


@dataclass(frozen=True)
class AnswerRecord(NewAnswer):
    id: int = 0


@dataclass(frozen=True)
class NewEvidence:
    unit_id: int
    year: int
    question_id: str
    media_type: str
    created_at: datetime
    fact: str | None = None
    sha256: str | None = None
    mime_type: str | None = None
    size: int | None = None
    channel: str | None = None
    channel_file_id: str | None = None
    channel_file_unique_id: str | None = None
    original_name: str | None = None
    caption: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    taken_at: datetime | None = None
    person_id: int | None = None


@dataclass(frozen=True)
class EvidenceRecord(NewEvidence):
    id: int = 0


@dataclass(frozen=True)
class AnswerOfRecord:
    """A unit's current answer to one question and the name of who gave it (the raw data export)."""

    answer: AnswerRecord
    answered_by: str | None  # the person's name; None: no person recorded (an import, a carried-down total)


FactsByQuestion = Mapping[str, AnswerRecord]


class AnswerRepository(Protocol):
    async def add(self, answer: NewAnswer) -> None: ...
    async def latest(self, unit_id: int, year: int) -> dict[str, AnswerRecord]: ...
    async def latest_for_units(
        self, unit_ids: Sequence[int], year: int
    ) -> dict[int, dict[str, AnswerRecord]]: ...
    async def history(self, unit_id: int, year: int, question_id: str) -> list[AnswerRecord]: ...
    async def count_current(self, unit_ids: Sequence[int], year: int) -> int:
        """How many (unit, question) pairs of these units have an answer in `year`: what `stream_current`
        yields at most (an answer withdrawn since is counted here and not yielded there)."""
        ...

    def stream_current(
        self, unit_ids: Sequence[int], year: int, *, units_per_batch: int = 100
    ) -> AsyncIterator[list[AnswerOfRecord]]:
        """The current answers of these units in `year` (withdrawn ones left out) with who gave them, in
        batches read one after another: in the order of `unit_ids`, then by question id, each unit's answers
        in one batch, at most `units_per_batch` units a batch. Nothing is read before it is asked for."""
        ...


class EvidenceRepository(Protocol):
    async def add(self, evidence: NewEvidence) -> EvidenceRecord: ...
    async def for_unit(self, unit_id: int, year: int) -> list[EvidenceRecord]: ...
    async def counts(self, unit_ids: Sequence[int], year: int) -> dict[int, dict[str, int]]: ...
    async def for_units(self, unit_ids: Sequence[int], year: int) -> list[EvidenceRecord]:
        """The evidence of these units in `year`, oldest first."""
        ...


@dataclass(frozen=True)
class SessionRecord:
    person_id: int
    unit_id: int
    year: int
    questionnaire_id: str
    state: dict[str, Any]
    completed: bool
    updated_at: datetime
    id: int = 0


class SessionRepository(Protocol):
    async def get(
        self, person_id: int, unit_id: int, year: int, questionnaire_id: str
    ) -> SessionRecord | None: ...
    async def save(self, record: SessionRecord) -> None: ...
    async def for_person(self, person_id: int) -> list[SessionRecord]: ...
    async def for_units(
        self, unit_ids: Sequence[int], year: int, questionnaire_id: str
    ) -> list[SessionRecord]: ...


@dataclass(frozen=True)
class YearRecord:
    """The review state of one unit's answers for one year."""

    unit_id: int
    year: int
    status: str  # open | submitted | approved | returned
    returned_questions: tuple[str, ...] = ()
    note: str | None = None
    deadline: date | None = None


class YearRepository(Protocol):
    async def get(self, unit_id: int, year: int) -> YearRecord | None: ...
    async def for_units(self, unit_ids: Sequence[int], year: int) -> dict[int, YearRecord]: ...
    async def save(self, record: YearRecord, now: datetime) -> None: ...


@dataclass(frozen=True)
class RecognitionRecord:
    unit_id: int
    year: int
    level: int
    decision_number: str
    decided_on: date
    body: str
    id: int = 0


class RecognitionRepository(Protocol):
    async def add(self, recognition: RecognitionRecord, now: datetime) -> RecognitionRecord: ...
    async def for_units(self, unit_ids: Sequence[int]) -> list[RecognitionRecord]: ...
