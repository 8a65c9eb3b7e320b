"""Officers' flows in memory: one JSON state per person, in the transaction's `flows` table
(`Tables.flows: dict[int, dict[str, Any]]`, person id -> state; no entry: no flow)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.fakes.memory.database import Transaction
from tests.fakes.memory.tables import Tables, as_json, require


class MemoryFlowRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def get(self, person_id: int) -> dict[str, Any] | None:
        state = self._tx.tables.flows.get(person_id)
        return None if state is None else as_json(state)

    async def save(self, person_id: int, state: dict[str, Any], now: datetime) -> None:
        stored = as_json(
            state
        )  # a copy, as a JSON column keeps it; unserialisable state fails here as in SQL

        def save(tables: Tables) -> None:
            require(tables.people, person_id, "person")
            tables.flows[person_id] = stored

        self._tx.write(save)

    async def clear(self, person_id: int) -> None:
        self._tx.write(lambda tables: tables.flows.pop(person_id, None))
