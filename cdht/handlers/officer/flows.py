"""Multi-step officer actions (compose a broadcast, return answers, record a decision) keep their state in
the sessions table, like questionnaires: a restart in the middle loses nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cdht.handlers.ports import PersonRecord, SessionRecord, UnitOfWork

FLOW = "__flow__"
YEARLESS = 0


async def current_flow(uow: UnitOfWork, person: PersonRecord) -> dict[str, Any] | None:
    record = await uow.sessions.get(person.id, person.unit_id, YEARLESS, FLOW)
    if record is None or not record.state.get("name"):
        return None
    return record.state


async def set_flow(
    uow: UnitOfWork, person: PersonRecord, state: dict[str, Any] | None, now: datetime
) -> None:
    await uow.sessions.save(
        SessionRecord(
            person.id, person.unit_id, YEARLESS, FLOW, state or {}, completed=state is None, updated_at=now
        )
    )
