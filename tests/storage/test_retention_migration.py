"""Migration 0008 on SQLite and on the real PostgreSQL server: inbox and outbox payloads may be NULL (dropped
by the retention prune), the partial indexes find the rows still keeping theirs, and the downgrade gives the
emptied rows an empty object."""

from __future__ import annotations

from sqlalchemy import insert, inspect, null, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.storage.tables import InboxEvent, OutboxMessage, table_of
from tests.conftest import NOW
from tests.storage.conftest import migrate

INBOX = table_of(InboxEvent)
OUTBOX = table_of(OutboxMessage)


async def _indexes(engine: AsyncEngine, table: str) -> set[str]:
    async with engine.connect() as connection:
        found = await connection.run_sync(lambda sync: inspect(sync).get_indexes(table))
    return {index["name"] for index in found if index["name"]}


async def test_payloads_may_be_dropped_and_the_downgrade_restores_an_empty_object(
    empty_engine: AsyncEngine,
) -> None:
    await migrate(empty_engine, "upgrade", "0007")
    async with empty_engine.begin() as connection:
        await connection.execute(
            insert(INBOX),
            [
                {"channel": "telegram", "external_id": str(n), "user_key": "u", "payload": {"n": n}}
                | {"status": "done", "attempts": 0, "received_at": NOW, "processed_at": NOW}
                for n in (1, 2)
            ],
        )
        await connection.execute(
            insert(OUTBOX).values(
                channel="telegram",
                chat_id="1",
                payload={"text": "Chào An"},
                status="sent",
                lane=0,
                attempts=0,
                not_before=NOW,
                created_at=NOW,
            )
        )
    await migrate(empty_engine, "upgrade", "0008")
    assert "ix_inbox_payload_kept" in await _indexes(empty_engine, "inbox")
    assert "ix_outbox_payload_kept" in await _indexes(empty_engine, "outbox")
    async with (
        empty_engine.begin() as connection
    ):  # null(): SQL NULL, as the prune writes (None is JSON null)
        await connection.execute(update(INBOX).where(INBOX.c.external_id == "1").values(payload=null()))
        await connection.execute(update(OUTBOX).values(payload=null()))
    async with empty_engine.connect() as connection:
        kept = (
            await connection.execute(select(INBOX.c.external_id).where(INBOX.c.payload.is_not(None)))
        ).all()
    assert kept == [("2",)]

    await migrate(empty_engine, "downgrade", "0007")
    assert "ix_inbox_payload_kept" not in await _indexes(empty_engine, "inbox")
    async with empty_engine.connect() as connection:
        inbox_rows = (await connection.execute(select(INBOX.c.external_id, INBOX.c.payload))).all()
        outbox_rows = (await connection.execute(select(OUTBOX.c.payload))).all()
    assert sorted(inbox_rows) == [("1", {}), ("2", {"n": 2})]
    assert outbox_rows == [({},)]
    await migrate(empty_engine, "upgrade", "head")  # and up again
