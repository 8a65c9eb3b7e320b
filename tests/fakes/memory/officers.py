"""The audit log, reminders sent, difficulties raised and small settings, in memory."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from cdht.handlers.ports import AuditRecord, DifficultyRecord
from tests.fakes.memory.database import Transaction
from tests.fakes.memory.tables import Tables, as_json, require


class MemoryAuditRepository:
    """Append-only."""

    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def add(self, entry: AuditRecord) -> None:
        record = copy.deepcopy(replace(entry, id=self._tx.new_id("audit")))

        def add(tables: Tables) -> None:
            require(tables.units, record.unit_id, "unit")
            require(tables.people, record.actor_id, "person")
            tables.audit[record.id] = record

        self._tx.write(add)

    async def add_many(self, entries: Sequence[AuditRecord]) -> None:
        records = [copy.deepcopy(replace(entry, id=self._tx.new_id("audit"))) for entry in entries]

        def add(tables: Tables) -> None:
            for record in records:
                require(tables.units, record.unit_id, "unit")
                require(tables.people, record.actor_id, "person")
                tables.audit[record.id] = record

        self._tx.write(add)

    async def for_units(self, unit_ids: Sequence[int], year: int | None = None) -> list[AuditRecord]:
        wanted = set(unit_ids)
        return [
            copy.deepcopy(record)
            for _, record in sorted(self._tx.tables.audit.items())
            if record.unit_id in wanted and (year is None or record.year == year)
        ]


class MemoryReminderRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def record(self, person_id: int, day: date, kind: str, now: datetime) -> bool:
        """Claim the day's reminder for this person; False when one was already recorded (or, as SQL's
        caught IntegrityError has it, when there is no such person)."""

        def record(tables: Tables) -> bool:
            if person_id not in tables.people or (person_id, day, kind) in tables.reminders:
                return False
            tables.reminders[(person_id, day, kind)] = now
            return True

        return self._tx.write(record)

    async def last_days(self, person_ids: Sequence[int], kind: str) -> dict[int, date]:
        wanted = set(person_ids)
        last: dict[int, date] = {}
        for person_id, day, reminded in self._tx.tables.reminders:
            if person_id in wanted and reminded == kind and day > last.get(person_id, date.min):
                last[person_id] = day
        return last

    async def last_day(self, person_id: int, kind: str) -> date | None:
        return (await self.last_days([person_id], kind)).get(person_id)


class MemoryDifficultyRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def add(self, difficulty: DifficultyRecord) -> DifficultyRecord:
        record = replace(
            difficulty, answer=None, answered_by=None, answered_at=None, id=self._tx.new_id("difficulties")
        )

        def add(tables: Tables) -> DifficultyRecord:
            require(tables.people, record.person_id, "person")
            require(tables.units, record.unit_id, "unit")
            tables.difficulties[record.id] = record
            return record

        return self._tx.write(add)

    async def get(self, difficulty_id: int) -> DifficultyRecord | None:
        return self._tx.tables.difficulties.get(difficulty_id)

    async def open_for_units(self, unit_ids: Sequence[int]) -> list[DifficultyRecord]:
        wanted = set(unit_ids)
        return [
            record
            for _, record in sorted(self._tx.tables.difficulties.items())
            if record.unit_id in wanted and record.status == "open"
        ]

    async def answer(self, difficulty_id: int, text: str, answered_by: int, now: datetime) -> None:
        def answer(tables: Tables) -> None:
            require(tables.people, answered_by, "person")
            if (record := tables.difficulties.get(difficulty_id)) is not None:
                tables.difficulties[difficulty_id] = replace(
                    record, status="answered", answer=text, answered_by=answered_by, answered_at=now
                )

        self._tx.write(answer)

    async def raised_between(
        self, unit_ids: Sequence[int], since: datetime, until: datetime
    ) -> list[DifficultyRecord]:
        wanted = set(unit_ids)
        found = [
            record
            for record in self._tx.tables.difficulties.values()
            if record.unit_id in wanted and since <= record.created_at < until
        ]
        return sorted(found, key=lambda record: (record.created_at, record.id))


class MemoryKeyValueRepository:
    """Small named state that must survive restarts (one JSON object per key)."""

    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def get(self, key: str) -> dict[str, Any] | None:
        value = self._tx.tables.key_values.get(key)
        return None if value is None else as_json(value)

    async def put(self, key: str, value: dict[str, Any], now: datetime) -> None:
        stored = as_json(value)

        def put(tables: Tables) -> None:
            tables.key_values[key] = stored

        self._tx.write(put)
