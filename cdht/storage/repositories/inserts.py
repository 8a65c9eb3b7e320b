"""One-statement writes for the hot path, on both SQLite and PostgreSQL: `INSERT … ON CONFLICT DO NOTHING`
instead of an ORM flush inside a savepoint that catches the duplicate (three statements), and `INSERT … ON
CONFLICT DO UPDATE` instead of a read followed by an update. Each statement is built once per table and
dialect; the values travel as parameters (building a statement costs more than running it on SQLite).

Writes whose result nobody needs at once (`insert_later`, `upsert_later`) are handed to the session when it is
a `BatchingSession`, which writes them together before the transaction's next statement."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from functools import cache
from importlib import import_module
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.storage.batching import BatchingSession


def _dialect_name(session: AsyncSession) -> str:
    return "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"


def _dialect_module(dialect: str) -> Any:
    """sqlalchemy.dialects.postgresql or .sqlite, imported when first used: a SQLite command need not load
    PostgreSQL's dialect (a tenth of its start-up)."""
    return import_module(f"sqlalchemy.dialects.{dialect}")


@cache
def _insert(table: Table) -> Any:
    return insert(table)


@cache
def _upsert(dialect: str, table: Table, unique: tuple[str, ...], changed: tuple[str, ...]) -> Any:
    statement = _dialect_module(dialect).insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(unique), set_={name: statement.excluded[name] for name in changed}
    )


@cache
def _unless_duplicate(dialect: str, table: Table, unique: tuple[str, ...], key: str = "id") -> Any:
    return (
        _dialect_module(dialect)
        .insert(table)
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(table.c[key])
    )


async def insert_unless_duplicate(
    session: AsyncSession, table: Table, values: dict[str, Any], unique: Sequence[str]
) -> int | None:
    """Insert a row; its id, or None when a row with the same `unique` columns exists already."""
    inserted = await session.scalar(_unless_duplicate(_dialect_name(session), table, tuple(unique)), values)
    return None if inserted is None else int(inserted)


async def insert_many_unless_duplicate(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], unique: Sequence[str], key: str
) -> set[Any]:
    """Insert rows in one statement, skipping those whose `unique` columns exist already (or repeat an
    earlier row); the `key` column of each row inserted."""
    if not rows:
        return set()
    statement = _unless_duplicate(_dialect_name(session), table, tuple(unique), key)
    return set((await session.execute(statement, list(rows))).scalars())


async def insert_later(session: AsyncSession, table: Table, values: dict[str, Any]) -> None:
    """Insert a row whose id is not needed: with a batching session, together with the next statement."""
    await write_later(session, _insert(table), values)


async def write_later(
    session: AsyncSession, statement: Any, values: dict[str, Any], key: Hashable | None = None
) -> None:
    """Run a write that returns nothing; with a batching session, together with the next statement (of
    two writes with the same `key`, only the newer is kept)."""
    batching = session.sync_session
    if isinstance(batching, BatchingSession):
        batching.keep(statement, values, key)
    else:
        await session.execute(statement, values)


async def upsert_later(
    session: AsyncSession, table: Table, values: dict[str, Any], unique: Sequence[str], changed: Sequence[str]
) -> None:
    """Insert a row, or update its `changed` columns when a row with the same `unique` columns exists; with a
    batching session, written with the next statement (the newest values of a key win, as row by row)."""
    statement = _upsert(_dialect_name(session), table, tuple(unique), tuple(changed))
    await write_later(session, statement, values, key=tuple(values[name] for name in unique))
