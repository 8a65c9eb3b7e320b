"""Claiming the next row stays quick with a long queue (a broadcast to thousands): before the queue indexes
(migration 0003) one outbox claim took 2.2 s with 5,000 rows waiting on SQLite, and every reply waited
behind it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.storage.database import session_factory
from cdht.storage.tables import InboxEvent, OutboxMessage
from cdht.storage.unit_of_work import SqlUnitOfWork

pytestmark = pytest.mark.slow  # every scale test; `make unit-fast` leaves them out

NOW = datetime(2025, 11, 20, 2, 0, tzinfo=UTC)
QUEUED = 5_000


async def test_claims_stay_quick_with_thousands_queued(
    database_url_and_engine: tuple[str, AsyncEngine],
) -> None:
    _, engine = database_url_and_engine
    async with engine.begin() as connection:
        await connection.execute(
            insert(OutboxMessage),
            [
                {
                    "channel": "telegram",
                    "chat_id": str(700_000 + n % 3_000),
                    "payload": {"text": f"{n}"},
                    "status": "pending",
                    "attempts": 0,
                    "not_before": NOW + timedelta(hours=1) if n < 100 else NOW,  # the first wait for a retry
                    "created_at": NOW,
                }
                for n in range(QUEUED)
            ],
        )
        await connection.execute(
            insert(InboxEvent),
            [
                {
                    "channel": "telegram",
                    "external_id": str(n),
                    "user_key": str(n % 500),
                    "payload": {"update_id": n},
                    "status": "pending",
                    "attempts": 0,
                    "received_at": NOW,
                }
                for n in range(QUEUED)
            ],
        )
    factory = session_factory(engine)
    started = time.perf_counter()
    for _ in range(5):
        async with SqlUnitOfWork(factory) as uow:
            row = await uow.outbox.claim_next("telegram", NOW)
            event = await uow.inbox.claim_next("telegram")
    took = (time.perf_counter() - started) / 5
    assert row is not None and row.payload == {"text": "100"}  # the first due row of a chat with none older
    assert event is not None and event.external_id == "0"
    assert took < 0.25, f"a claim took {took:.3f} s"
