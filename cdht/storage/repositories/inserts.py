"""One-statement writes for the hot path, on both SQLite and PostgreSQL: `INSERT … ON CONFLICT DO NOTHING`
instead of an ORM flush inside a savepoint that catches the duplicate (three statements), and `INSERT … ON
CONFLICT DO UPDATE` instead of a read followed by an update. Each statement is built once per table and
dialect; the values travel as parameters (building a statement costs more than running it on SQLite)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def _dialect_name(session: AsyncSession) -> str:
    return "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"


@cache
def _plain(table: Table) -> Any:
    return insert(table).returning(table.c.id)


@cache
def _unless_duplicate(dialect: str, table: Table, unique: tuple[str, ...]) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing(index_elements=list(unique)).returning(table.c.id)


@cache
def _upsert(dialect: str, table: Table, unique: tuple[str, ...], changed: tuple[str, ...]) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(unique), set_={name: statement.excluded[name] for name in changed}
    ).returning(table.c.id)


async def insert_returning_id(session: AsyncSession, table: Table, values: dict[str, Any]) -> int:
    return int(await session.scalar(_plain(table), values))


async def insert_unless_duplicate(
    session: AsyncSession, table: Table, values: dict[str, Any], unique: Sequence[str]
) -> int | None:
    """Insert a row; its id, or None when a row with the same `unique` columns exists already."""
    inserted = await session.scalar(_unless_duplicate(_dialect_name(session), table, tuple(unique)), values)
    return None if inserted is None else int(inserted)


async def upsert(
    session: AsyncSession, table: Table, values: dict[str, Any], unique: Sequence[str], changed: Sequence[str]
) -> int:
    """Insert a row, or update its `changed` columns when a row with the same `unique` columns exists; its id."""
    statement = _upsert(_dialect_name(session), table, tuple(unique), tuple(changed))
    return int(await session.scalar(statement, values))
