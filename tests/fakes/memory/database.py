"""The in-memory database and the transaction a unit of work runs in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TypeVar

from tests.fakes.memory.tables import Tables

T = TypeVar("T")
Change = Callable[[Tables], object]


class MemoryDatabase:
    """The committed tables, and id sequences that, as in SQL, are not rolled back."""

    def __init__(self) -> None:
        self.tables = Tables()
        self.version = 0  # counts commits
        self._last_ids: defaultdict[str, int] = defaultdict(int)

    def next_id(self, table: str) -> int:
        self._last_ids[table] += 1
        return self._last_ids[table]

    def publish(self, tables: Tables, changes: list[Change], seen_version: int) -> None:
        """Make a transaction's work the committed state. When another transaction committed since this one
        began, its changes run again on the newest tables, as SQL statements meet the rows as they are then."""
        if self.version != seen_version:
            tables = self.tables.copy()
            for change in changes:
                change(tables)
        self.tables = tables
        self.version += 1


class Transaction:
    """What one unit of work sees: the tables committed when it began plus its own changes, kept in order.
    Nothing locks: concurrent transactions each read their own snapshot (like SQLite, unlike PostgreSQL's
    row locks)."""

    def __init__(self, database: MemoryDatabase) -> None:
        self.database = database
        self.begin()

    def begin(self) -> None:
        self.tables = self.database.tables.copy()
        self._seen_version = self.database.version
        self._changes: list[Change] = []

    def write(self, change: Callable[[Tables], T]) -> T:
        """Apply a change to this transaction's tables; a change that raises changes nothing."""
        result = change(self.tables)
        self._changes.append(change)
        return result

    def new_id(self, table: str) -> int:
        return self.database.next_id(table)

    def commit(self) -> None:
        if self._changes:
            self.database.publish(self.tables, self._changes, self._seen_version)
        self.begin()
