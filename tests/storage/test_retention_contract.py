"""Contract of the retention prune (Nghị định 13/2023/NĐ-CP) on every backend: SQLite, PostgreSQL and the
in-memory fake. A handled update loses its raw payload but keeps its row, so a redelivery is still turned
away; an update still to be tried keeps it; old messages no longer waiting lose their content, keep their keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from cdht.handlers.ports import Lane, QueuedMessage, UnitOfWork
from tests.conftest import NOW

Factory = Callable[[], UnitOfWork]
OLD = NOW - timedelta(days=40)
CUTOFF = NOW - timedelta(days=30)
CONTACT = {"message": {"contact": {"phone_number": "84912345678", "first_name": "An", "user_id": 7}}}


async def _claimed_payloads(uow: UnitOfWork) -> dict[int, dict[str, object]]:
    return {event.id: event.payload for event in await uow.inbox.claim("telegram", limit=10)}


class TestRetentionContract:
    async def test_handled_updates_lose_their_payload_after_the_period_and_still_block_redeliveries(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            old = await uow.inbox.add("telegram", "1", "u:A", {"text": "cũ"}, OLD)
            recent = await uow.inbox.add("telegram", "2", "u:B", {"text": "mới"}, OLD)
            waiting = await uow.inbox.add("telegram", "3", "u:C", {"text": "chờ"}, OLD)
            parked = await uow.inbox.add("telegram", "4", "u:D", {"text": "lỗi"}, OLD)
            assert old and recent and waiting and parked
            await uow.inbox.mark_done(old, OLD)
            await uow.inbox.mark_done(recent, NOW - timedelta(days=29))
            for _ in range(5):
                await uow.inbox.mark_failed(parked, "boom", OLD)
            await uow.inbox.mark_failed(waiting, "boom", OLD)  # to be tried again
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.inbox.prunable_count(CUTOFF) == 2  # the old done one, the parked one
            assert await uow.inbox.prune_payloads(CUTOFF, limit=1) == 1
            assert await uow.inbox.prune_payloads(CUTOFF, limit=10) == 1
            assert await uow.inbox.prune_payloads(CUTOFF, limit=10) == 0
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.inbox.prunable_count(CUTOFF) == 0
            assert await uow.inbox.prunable_count(NOW) == 1  # the recent one, once its time comes
            # the same update delivered again: still recognised, not queued a second time
            assert await uow.inbox.add("telegram", "1", "u:A", {"text": "cũ"}, NOW) is None
            assert await uow.inbox.add_many("telegram", [("4", "u:D", {}), ("5", "u:E", {"n": 5})], NOW) == [
                False,
                True,
            ]
            assert await uow.inbox.pending_count() == 2
            payloads = await _claimed_payloads(uow)
            assert payloads[waiting] == {"text": "chờ"}  # still to be tried: kept

    async def test_only_handled_updates_lose_their_payload_at_once(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            handled = await uow.inbox.add("telegram", "1", "u:A", CONTACT, NOW)
            retried = await uow.inbox.add("telegram", "2", "u:B", CONTACT, NOW)
            assert handled and retried
            await uow.inbox.mark_done(handled, NOW)
            await uow.inbox.mark_failed(retried, "boom", NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.inbox.drop_payloads([handled, retried]) == 1
            assert await uow.inbox.drop_payloads([handled]) == 0
            assert await uow.inbox.drop_payloads([]) == 0
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await _claimed_payloads(uow) == {retried: CONTACT}
            assert await uow.inbox.prunable_count(NOW + timedelta(days=1)) == 0  # nothing left to prune
            assert await uow.inbox.add("telegram", "1", "u:A", CONTACT, NOW) is None

    async def test_old_messages_no_longer_waiting_lose_their_content_and_keep_their_keys(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            sent = await uow.outbox.add("telegram", "A", {"text": "Chào An, 0912"}, OLD, edit_key="p")
            given_up = await uow.outbox.add("telegram", "B", {"text": "bị chặn"}, OLD, dedupe_key="r:1")
            waiting = await uow.outbox.add("telegram", "C", {"text": "chờ"}, OLD, not_before=NOW)
            fresh = await uow.outbox.add("telegram", "D", {"text": "mới"}, NOW - timedelta(days=2))
            assert sent and given_up and waiting and fresh
            await uow.outbox.mark_sent(sent, "m-1", OLD)
            await uow.outbox.mark_failed(given_up, "Forbidden", retry_at=None)
            await uow.outbox.mark_sent(fresh, "m-2", NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.outbox.prunable_count(CUTOFF) == 2
            assert await uow.outbox.prune_payloads(CUTOFF, limit=1) == 1
            assert await uow.outbox.prune_payloads(CUTOFF, limit=10) == 1
            assert await uow.outbox.prune_payloads(CUTOFF, limit=10) == 0
            await uow.commit()
        async with backend_uow_factory() as uow:
            last = await uow.outbox.last_sent("telegram", "A", "p")
            assert last is not None and last.payload == {} and last.external_message_id == "m-1"
            fresh_last = await uow.outbox.claim("telegram", NOW, limit=10)
            assert [(row.chat_id, row.payload) for row, _ in fresh_last] == [("C", {"text": "chờ"})]
            again = QueuedMessage("telegram", "B", {"text": "bị chặn"}, lane=Lane.BULK, dedupe_key="r:1")
            assert await uow.outbox.add_unless_queued([again], NOW) == 0  # the dedupe key still holds
            assert await uow.outbox.prunable_count(NOW) == 1  # the fresh one, once its time comes
