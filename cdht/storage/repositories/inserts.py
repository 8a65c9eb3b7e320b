"""One-statement writes for the hot path, on both SQLite and PostgreSQL: `INSERT … ON CONFLICT DO NOTHING`
instead of an ORM flush inside a savepoint that catches the duplicate (three statements), and `INSERT … ON
CONFLICT DO UPDATE` instead of a read followed by an update."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def _dialect(session: AsyncSession) -> Any:
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite


async def insert_unless_duplicate(
    session: AsyncSession, table: Table, values: dict[str, Any], unique: Sequence[str]
) -> int | None:
    """Insert a row; its id, or None when a row with the same `unique` columns exists already."""
    dialect = _dialect(session)
    statement = (
        dialect.insert(table)
        .values(values)
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(table.c.id)
    )
    inserted = await session.scalar(statement)
    return None if inserted is None else int(inserted)


async def upsert(
    session: AsyncSession, table: Table, values: dict[str, Any], unique: Sequence[str], changed: Sequence[str]
) -> int:
    """Insert a row, or update its `changed` columns when a row with the same `unique` columns exists; its id."""
    statement = _dialect(session).insert(table).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=list(unique), set_={name: statement.excluded[name] for name in changed}
    ).returning(table.c.id)
    return int(await session.scalar(statement))
