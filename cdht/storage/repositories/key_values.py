from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.storage.tables import KeyValue


class SqlKeyValueRepository:
    """Small named state that must survive restarts (one JSON object per key)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, key: str) -> dict[str, Any] | None:
        row = await self._session.get(KeyValue, key, populate_existing=True)
        return None if row is None else dict(row.value)

    async def put(self, key: str, value: dict[str, Any], now: datetime) -> None:
        row = await self._session.get(KeyValue, key, with_for_update=True)
        if row is None:
            try:
                async with self._session.begin_nested():
                    self._session.add(KeyValue(key=key, value=value, updated_at=now))
                return
            except IntegrityError:  # another transaction created it meanwhile: update theirs
                row = await self._session.get(KeyValue, key, with_for_update=True, populate_existing=True)
                if row is None:
                    raise
        row.value = value
        row.updated_at = now
        await self._session.flush()
