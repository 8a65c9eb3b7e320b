"""Officers' flows: one JSON state per person, by primary key. `save` is one upsert (kept for the next statement
by a batching session); `clear` deletes at once, after whatever was kept, so the order of writes holds.

An inbox batch reads its senders' flows with the senders (`prefetch_people`) and remembers them for the
transaction; `save` and `clear` keep that memory right, so a sender with no flow costs no statement for it,
not even for a `clear` (sent by every /start)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.storage.batching import reads_ahead, remembered
from cdht.storage.repositories.inserts import upsert_later
from cdht.storage.tables import OfficerFlow, table_of

_TABLE = table_of(OfficerFlow)
_ONE = select(_TABLE.c.state).where(_TABLE.c.person_id == bindparam("person_id"))
_CLEAR = delete(_TABLE).where(_TABLE.c.person_id == bindparam("person_id"))
_AHEAD = ("flows.get", ())  # person id -> their state (None: no flow), kept right by `save` and `clear`


def remember_flows(session: AsyncSession, states: Mapping[int, dict[str, Any] | None]) -> None:
    """What these people's flows are in this transaction, read together with something else (a batching
    session only); the next `get` of each is answered from it."""
    reads_ahead(session, *_AHEAD).update(states)


class SqlFlowRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, person_id: int) -> dict[str, Any] | None:
        known = remembered(self._session, *_AHEAD)
        if known is not None and person_id in known:
            state = known[person_id]
        else:
            state = await self._session.scalar(_ONE, {"person_id": person_id})
            if known is not None:
                known[person_id] = state
        return None if state is None else copy.deepcopy(state)

    async def save(self, person_id: int, state: dict[str, Any], now: datetime) -> None:
        values = {"person_id": person_id, "state": state, "updated_at": now}
        await upsert_later(self._session, _TABLE, values, ("person_id",), ("state", "updated_at"))
        known = remembered(self._session, *_AHEAD)
        if known is not None:
            known[person_id] = copy.deepcopy(state)

    async def clear(self, person_id: int) -> None:
        known = remembered(self._session, *_AHEAD)
        if known is not None and person_id in known and known[person_id] is None:
            return  # known to have none
        await self._session.execute(_CLEAR, {"person_id": person_id})
        if known is not None:
            known[person_id] = None
