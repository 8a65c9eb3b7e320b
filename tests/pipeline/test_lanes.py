"""Outbox lanes: replies first, then notices, then bulk with a floor; order within a chat and lane; a
broadcast's recipients queued a page per transaction (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

from cdht.handlers.officer import broadcast
from cdht.handlers.ports import Lane, OutboxRecord, PersonRecord
from cdht.pipeline.outbox import OutboxSender
from cdht.pipeline.rate_limit import RateLimiter
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW


class RecordingTransport:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def is_group(self, chat_id: str) -> bool:
        return False

    async def send(self, row: OutboxRecord, person: PersonRecord | None) -> str:
        self.sent.append(row.payload["text"])
        return f"m{len(self.sent)}"


async def _queue(uow: SqlUnitOfWork, chat: str, text: str, lane: Lane) -> int:
    outbox_id = await uow.outbox.add("telegram", chat, {"text": text}, NOW, lane=lane)
    assert outbox_id is not None
    return outbox_id


async def test_replies_go_before_notices_and_notices_before_bulk(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    async with uow_factory() as uow:
        for index in range(5):
            await _queue(uow, f"B{index}", f"bulk {index}", Lane.BULK)
        await _queue(uow, "N", "notice", Lane.NOTICE)
        await _queue(uow, "R", "reply", Lane.REPLY)
        await uow.commit()
    async with uow_factory() as uow:
        claimed = await uow.outbox.claim("telegram", NOW, limit=3)
        assert [row.payload["text"] for row, _ in claimed] == ["reply", "notice", "bulk 0"]
        assert [row.lane for row, _ in claimed] == [Lane.REPLY, Lane.NOTICE, Lane.BULK]
        only_bulk = await uow.outbox.claim("telegram", NOW, limit=2, from_lane=Lane.BULK)
        assert [row.payload["text"] for row, _ in only_bulk] == ["bulk 0", "bulk 1"]


async def test_a_reply_overtakes_bulk_to_the_same_chat_and_each_lane_keeps_its_order(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    async with uow_factory() as uow:
        bulk1 = await _queue(uow, "A", "bulk 1", Lane.BULK)
        bulk2 = await _queue(uow, "A", "bulk 2", Lane.BULK)
        reply1 = await _queue(uow, "A", "reply 1", Lane.REPLY)
        reply2 = await _queue(uow, "A", "reply 2", Lane.REPLY)
        await uow.commit()
    order = []
    for _ in range(4):
        async with uow_factory() as uow:
            claimed = await uow.outbox.claim("telegram", NOW, limit=10)
            assert len(claimed) == 1  # one message of a chat at a time
            row = claimed[0][0]
            order.append(row.id)
            await uow.outbox.mark_sent(row.id, "m", NOW)
            await uow.commit()
    assert order == [reply1, reply2, bulk1, bulk2]


async def test_bulk_keeps_its_floor_of_the_sends_while_replies_keep_coming(
    sqlite_uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    async def first_sends(channel: str, floor: float) -> list[str]:
        async with sqlite_uow_factory() as uow:
            for index in range(40):
                await uow.outbox.add(channel, f"R{index}", {"text": "reply"}, NOW, lane=Lane.REPLY)
                await uow.outbox.add(channel, f"B{index}", {"text": "bulk"}, NOW, lane=Lane.BULK)
            await uow.commit()
        transport = RecordingTransport()
        limits = RateLimiter(1e6, 1e6, 1e6)
        sender = OutboxSender(sqlite_uow_factory, channel, transport, limits, lambda: NOW, bulk_floor=floor)
        for _ in range(20):
            assert await sender.send_batch() == 1
        return transport.sent

    starved = await first_sends("telegram", 0.0)
    assert starved.count("bulk") == 0  # no floor: replies take every slot while they last
    floored = await first_sends("zalo", 0.2)
    assert floored.count("bulk") == 4  # a fifth of the slots
    assert floored.count("reply") == 16


async def test_a_broadcast_is_queued_a_page_per_transaction_and_resumes_from_its_cursor(
    sqlite_uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    people = broadcast.PAGE * 2 + 37
    async with sqlite_uow_factory() as uow:
        province = await uow.units.add("P", "Tỉnh", "province", None, NOW)
        admin = await uow.people.add("Quản trị", "+84900000001", "province_admin", province.id, NOW)
        village = await uow.units.add("P-T1", "Thôn 1", "village", province.id, NOW)
        for index in range(people):
            person = await uow.people.add(f"TT {index}", f"+8491{index:07d}", "village_head", village.id, NOW)
            await uow.people.link_identity(person.id, "telegram", str(9000 + index), str(9000 + index), NOW)
        await uow.commit()
    flow = {"text": "Họp giao ban", "role": "village_head", "unit": "P", "unfinished": False}
    async with sqlite_uow_factory() as uow:
        reply = await broadcast.send(uow, admin, flow, NOW, 2025)
        await uow.commit()
    assert f"0/{people}" in reply.text
    async with sqlite_uow_factory() as uow:
        [record] = await uow.broadcasts.active()
        assert record.status == "queuing"
        assert (await uow.broadcasts.delivery_counts(record.id)) == {"pending": broadcast.PAGE}
        await broadcast.queue_page(uow, record, admin, NOW, 2025)  # queued, but the cursor is lost:
        await uow.rollback()  # as if the process died before this page's commit
    pages: list[int] = []
    assert (
        await broadcast.fan_out(sqlite_uow_factory, lambda: NOW, 2025, on_page=lambda r: pages.append(r.id))
        == 2
    )
    assert pages == [record.id, record.id]
    assert await broadcast.fan_out(sqlite_uow_factory, lambda: NOW, 2025) == 0
    async with sqlite_uow_factory() as uow:
        [record] = await uow.broadcasts.active()
        assert record.status == "sending"
        assert (await uow.broadcasts.delivery_counts(record.id)) == {"pending": people}
        claimed = await uow.outbox.claim("telegram", NOW, limit=people + 10)
        assert len({row.chat_id for row, _ in claimed}) == people  # each person once
        assert {row.lane for row, _ in claimed} == {Lane.BULK}
