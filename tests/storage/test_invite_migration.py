"""Migration 0006 on SQLite and on the real PostgreSQL server: invite codes get their issuer (none for the
codes made before, as for those made from the command line), and the downgrade drops it again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.storage.tables import Person, Unit, table_of
from tests.conftest import NOW
from tests.storage.conftest import migrate


async def _columns(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        columns = await connection.run_sync(lambda sync: inspect(sync).get_columns("invite_codes"))
    return {column["name"] for column in columns}


async def _codes(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        return list(
            await connection.execute(
                text("SELECT code, person_id, issuer_id FROM invite_codes ORDER BY code")
            )
        )


async def test_invite_codes_get_an_issuer_column_and_lose_it_on_downgrade(empty_engine: AsyncEngine) -> None:
    await migrate(empty_engine, "upgrade", "0005")
    async with empty_engine.begin() as connection:
        await connection.execute(
            insert(table_of(Unit)).values(id=1, code="V1", name="Thôn", tier="village", created_at=NOW)
        )
        for person, role in ((1, "village_head"), (2, "commune_officer")):
            await connection.execute(
                insert(table_of(Person)).values(
                    id=person,
                    name=f"Người {person}",
                    phone=f"+8490000000{person}",
                    role=role,
                    unit_id=1,
                    created_at=NOW,
                )
            )
        await connection.execute(
            text("INSERT INTO invite_codes (code, person_id, created_at) VALUES ('OLD123', 1, :now)"),
            {"now": NOW},
        )
    assert "issuer_id" not in await _columns(empty_engine)
    await migrate(empty_engine, "upgrade", "0006")
    assert [tuple(row) for row in await _codes(empty_engine)] == [("OLD123", 1, None)]
    async with empty_engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO invite_codes (code, person_id, created_at, issuer_id) VALUES ('NEW456', 1, :now, 2)"
            ),
            {"now": NOW},
        )
    assert [tuple(row) for row in await _codes(empty_engine)] == [("NEW456", 1, 2), ("OLD123", 1, None)]
    await migrate(empty_engine, "downgrade", "0005")
    assert "issuer_id" not in await _columns(empty_engine)
    async with empty_engine.connect() as connection:
        assert (
            len((await connection.execute(select(text("code")).select_from(text("invite_codes")))).all()) == 2
        )
    await migrate(empty_engine, "upgrade", "0006")
    assert "issuer_id" in await _columns(empty_engine)
