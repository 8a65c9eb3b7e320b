"""Migration 0005 on SQLite and on the real PostgreSQL server: the officers' flows kept as "__flow__" session
rows move into `officer_flows` (only those the handlers read), every such session row goes, and the
downgrade puts the flows back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.storage.tables import ConversationSession, OfficerFlow, Person, Unit, table_of
from tests.conftest import NOW
from tests.storage.conftest import migrate

SESSIONS = table_of(ConversationSession)
FLOWS = table_of(OfficerFlow)
BROADCAST = {"name": "broadcast", "step": "role", "text": "Họp giao ban thứ Hai", "attachment": None}


def _session(
    person: int, unit: int, state: dict[str, Any], *, completed: bool = False, **kw: Any
) -> dict[str, Any]:
    values = {"year": 0, "questionnaire_id": "__flow__", "is_active": True, "updated_at": NOW}
    return values | {"person_id": person, "unit_id": unit, "state": state, "completed": completed} | kw


async def _flows(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        return list(await connection.execute(select(FLOWS.c.person_id, FLOWS.c.state, FLOWS.c.updated_at)))


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_old_flow_sessions_move_into_their_table_and_back(empty_engine: AsyncEngine) -> None:
    await migrate(empty_engine, "upgrade", "0004")
    async with empty_engine.begin() as connection:
        for unit_id, code in ((1, "D1"), (2, "D2")):
            await connection.execute(
                insert(table_of(Unit)).values(
                    id=unit_id, code=code, name=code, tier="district", created_at=NOW
                )
            )
        for person in (1, 2, 3, 4):
            await connection.execute(
                insert(table_of(Person)).values(
                    id=person,
                    name=f"Người {person}",
                    phone=f"+849000000{person}",
                    role="district_admin",
                    unit_id=1,
                    created_at=NOW,
                )
            )
        await connection.execute(
            insert(SESSIONS),
            [
                _session(1, 1, BROADCAST),  # in progress: moves
                _session(2, 1, {}, completed=True),  # ended: only deleted
                _session(3, 2, {"name": "recognition"}),  # of a unit the person left: never read, deleted
                _session(4, 1, {"step": "text"}),  # no name: never read, deleted
                _session(1, 1, {"cursor": "households"}, year=2025, questionnaire_id="district"),  # stays
            ],
        )
    await migrate(empty_engine, "upgrade", "0005")
    assert await _flows(empty_engine) == [(1, BROADCAST, NOW)]
    async with empty_engine.connect() as connection:
        sessions = (await connection.execute(select(SESSIONS.c.person_id, SESSIONS.c.questionnaire_id))).all()
    assert sessions == [(1, "district")]

    await migrate(empty_engine, "downgrade", "0004")
    assert "officer_flows" not in await _tables(empty_engine)
    async with empty_engine.connect() as connection:
        rows = (
            await connection.execute(
                select(
                    SESSIONS.c.person_id,
                    SESSIONS.c.unit_id,
                    SESSIONS.c.year,
                    SESSIONS.c.questionnaire_id,
                    SESSIONS.c.state,
                    SESSIONS.c.completed,
                ).order_by(SESSIONS.c.questionnaire_id)
            )
        ).all()
    assert rows == [
        (1, 1, 0, "__flow__", BROADCAST, False),
        (1, 1, 2025, "district", {"cursor": "households"}, False),
    ]
    await migrate(empty_engine, "upgrade", "head")  # and up again
    assert await _flows(empty_engine) == [(1, BROADCAST, NOW)]
