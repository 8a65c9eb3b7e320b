"""Officers' records: the audit log, reminders sent, difficulties raised, small settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class AuditRecord:
    action: str
    created_at: datetime
    unit_id: int | None = None
    year: int | None = None
    actor_id: int | None = None
    question_id: str | None = None
    old_value: Any = None
    new_value: Any = None
    reason: str | None = None
    id: int = 0
    actor_name: str | None = None
    """Who acted when nobody of the roster did: an import run on the command line records its operating-system
    user and host («admin@may-chu»)."""


class AuditRepository(Protocol):
    async def add(self, entry: AuditRecord) -> None: ...
    async def add_many(self, entries: Sequence[AuditRecord]) -> None:
        """Append entries together (an import's thousands of changes), in their order, in this transaction."""
        ...

    async def for_units(self, unit_ids: Sequence[int], year: int | None = None) -> list[AuditRecord]: ...


class ReminderRepository(Protocol):
    async def record(self, person_id: int, day: date, kind: str, now: datetime) -> bool: ...
    async def last_day(self, person_id: int, kind: str) -> date | None: ...
    async def last_days(self, person_ids: Sequence[int], kind: str) -> dict[int, date]: ...


@dataclass(frozen=True)
class DifficultyRecord:
    person_id: int
    unit_id: int
    text: str
    status: str
    created_at: datetime
    answer: str | None = None
    answered_by: int | None = None
    answered_at: datetime | None = None
    id: int = 0


class DifficultyRepository(Protocol):
    async def add(self, difficulty: DifficultyRecord) -> DifficultyRecord: ...
    async def get(self, difficulty_id: int) -> DifficultyRecord | None: ...
    async def open_for_units(self, unit_ids: Sequence[int]) -> list[DifficultyRecord]: ...
    async def answer(self, difficulty_id: int, text: str, answered_by: int, now: datetime) -> None: ...
    async def raised_between(
        self, unit_ids: Sequence[int], since: datetime, until: datetime
    ) -> list[DifficultyRecord]:
        """The difficulties raised in these units from `since` to before `until`, answered or not, oldest
        first (the yearly report's list)."""
        ...


class KeyValueRepository(Protocol):
    """Small named state that must survive restarts, one JSON object per key (e.g. a chat's numbered options)."""

    async def get(self, key: str) -> dict[str, Any] | None: ...
    async def put(self, key: str, value: dict[str, Any], now: datetime) -> None: ...
