"""Contract of the queues' finer rules (outbox lanes and waiting, fan-out dedupe, inbox order, broadcast
cursor, stale jobs) on every backend: SQLite, PostgreSQL and the in-memory fake."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from cdht.handlers.ports import BroadcastRecord, JobRecord, Lane, QueuedMessage, UnitOfWork
from tests.conftest import NOW

Factory = Callable[[], UnitOfWork]
LATER = NOW + timedelta(minutes=5)


async def _texts(uow: UnitOfWork, **claim: object) -> list[str]:
    claimed = await uow.outbox.claim("telegram", NOW, **claim)  # type: ignore[arg-type]
    return [row.payload["text"] for row, _ in claimed]


class TestQueueContract:
    async def test_a_chat_waits_behind_its_first_pending_message_even_when_that_one_is_not_due(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            await uow.outbox.add("telegram", "A", {"text": "A bulk"}, NOW, lane=Lane.BULK)
            await uow.outbox.add("telegram", "A", {"text": "A reply"}, NOW, lane=Lane.REPLY)
            await uow.outbox.add("telegram", "B", {"text": "B notice"}, NOW)
            await uow.outbox.add("telegram", "C", {"text": "C later"}, NOW, not_before=LATER)
            await uow.outbox.add(
                "telegram", "D", {"text": "D reply later"}, NOW, lane=Lane.REPLY, not_before=LATER
            )
            await uow.outbox.add("telegram", "D", {"text": "D notice"}, NOW)
            await uow.outbox.add("telegram", "E", {"text": "E bulk"}, NOW, lane=Lane.BULK)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await _texts(uow, limit=10) == ["A reply", "B notice", "E bulk"]
            assert await _texts(uow, limit=1) == ["A reply"]
            assert await _texts(uow, limit=10, to_lane=Lane.NOTICE) == ["A reply", "B notice"]
            assert await _texts(uow, limit=10, from_lane=Lane.BULK) == [
                "E bulk"
            ]  # A's bulk waits for its reply
            assert await _texts(uow, limit=10, skip_chats=["A"]) == ["B notice", "E bulk"]
            next_one = await uow.outbox.claim_next("telegram", NOW, skip_chats=["A", "B"])
            assert next_one is not None and next_one.payload == {"text": "E bulk"}

    async def test_a_given_up_message_no_longer_holds_its_chat(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            first = await uow.outbox.add("telegram", "A", {"text": "blocked"}, NOW)
            await uow.outbox.add("telegram", "A", {"text": "next"}, NOW)
            assert first is not None
            await uow.outbox.mark_failed(first, "Forbidden", retry_at=None)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await _texts(uow, limit=10) == ["next"]
            assert [row.payload["text"] for row in await uow.outbox.due("telegram", NOW, 10)] == ["next"]

    async def test_a_fan_out_queues_each_dedupe_key_once(self, backend_uow_factory: Factory) -> None:
        def message(chat: str, key: str | None) -> QueuedMessage:
            return QueuedMessage("telegram", chat, {"text": chat}, lane=Lane.BULK, dedupe_key=key)

        async with backend_uow_factory() as uow:
            assert await uow.outbox.add_unless_queued([message("1", "b:1"), message("2", "b:2")], NOW) == 2
            await uow.commit()
        async with backend_uow_factory() as uow:
            again = [message("2", "b:2"), message("3", "b:3"), message("3", "b:3"), message("4", None)]
            assert await uow.outbox.add_unless_queued(again, NOW) == 2
            assert await uow.outbox.add_unless_queued([], NOW) == 0
            await uow.commit()
        async with backend_uow_factory() as uow:
            due = await uow.outbox.due("telegram", NOW, 10)
            assert [(row.chat_id, row.lane) for row in due] == [
                ("1", Lane.BULK),
                ("2", Lane.BULK),
                ("3", Lane.BULK),
                ("4", Lane.BULK),
            ]
            assert [row.chat_id for row in await uow.outbox.due("telegram", NOW, 2)] == ["1", "2"]

    async def test_only_claims_that_event_when_its_person_has_nothing_older(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            first = await uow.inbox.add("telegram", "1", "u:A", {"n": 1}, NOW)
            second = await uow.inbox.add("telegram", "2", "u:A", {"n": 2}, NOW)
            other = await uow.inbox.add("telegram", "3", "u:B", {"n": 3}, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.inbox.claim("telegram", limit=5, only=second) == []
            assert [e.id for e in await uow.inbox.claim("telegram", limit=5, only=other)] == [other]
            assert await uow.inbox.claim("zalo", limit=5, only=other) == []
            assert [e.id for e in await uow.inbox.claim(limit=1)] == [first]

    async def test_an_event_failing_every_attempt_is_parked(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            first = await uow.inbox.add("telegram", "1", "u:A", {"n": 1}, NOW)
            await uow.inbox.add("telegram", "2", "u:A", {"n": 2}, NOW)
            await uow.commit()
        assert first is not None
        for _ in range(5):
            async with backend_uow_factory() as uow:
                await uow.inbox.mark_failed(first, "boom", NOW)
                await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.inbox.pending_count() == 1
            claimed = await uow.inbox.claim_next("telegram")
            assert claimed is not None and claimed.payload == {"n": 2} and claimed.attempts == 0

    async def test_a_fan_out_moves_its_cursor_until_cancelled(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            unit = await uow.units.add("C", "Xã", "commune", None, NOW)
            author = await uow.people.add("A", "+84912345678", "commune_officer", unit.id, NOW)
            first = await uow.broadcasts.add(
                BroadcastRecord(author.id, "Họp", {"role": "all"}, "queuing", NOW)
            )
            second = await uow.broadcasts.add(BroadcastRecord(author.id, "Nhắc", {}, "queuing", NOW))
            await uow.broadcasts.add(BroadcastRecord(author.id, "Nháp", {}, "draft", NOW))
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.broadcasts.queued_through(first.id, 40, NOW, done=False)
            assert await uow.broadcasts.queued_through(second.id, 7, NOW, done=True)
            assert not await uow.broadcasts.queued_through(second.id, 9, NOW, done=True)  # sending now
            await uow.commit()
        async with backend_uow_factory() as uow:
            active = await uow.broadcasts.active()
            assert [(b.id, b.status, b.queued_through) for b in active] == [
                (first.id, "queuing", 40),
                (second.id, "sending", 7),
            ]
            assert active[0].audience == {"role": "all"}
            await uow.broadcasts.set_status(first.id, "cancelled", NOW)
            assert not await uow.broadcasts.queued_through(first.id, 80, NOW, done=False)
            await uow.commit()
        async with backend_uow_factory() as uow:
            cancelled = await uow.broadcasts.get(first.id)
            assert cancelled is not None and (cancelled.status, cancelled.queued_through) == ("cancelled", 40)
            assert await uow.broadcasts.delivery_counts(first.id) == {}
            assert await uow.broadcasts.get(first.id + 100) is None

    async def test_jobs_left_running_go_back_to_the_queue(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            old = await uow.jobs.add(JobRecord("export", {"unit": "C"}, "ignored", NOW))
            new = await uow.jobs.add(JobRecord("chart", {}, "pending", LATER))
            assert (old.status, old.attempts, old.params) == ("pending", 0, {"unit": "C"})
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert [(await uow.jobs.claim_next()), (await uow.jobs.claim_next())] == [
                JobRecord("export", {"unit": "C"}, "running", NOW, attempts=1, id=old.id),
                JobRecord("chart", {}, "running", LATER, attempts=1, id=new.id),
            ]
            assert await uow.jobs.requeue_stale(NOW + timedelta(minutes=1)) == 1
            await uow.commit()
        async with backend_uow_factory() as uow:
            claimed = await uow.jobs.claim_next()
            assert claimed is not None and (claimed.id, claimed.attempts) == (old.id, 2)
            await uow.jobs.finish(old.id, LATER, result_path="/tmp/x.xlsx", error=None)  # noqa: S108
            await uow.jobs.finish(new.id + 100, LATER, result_path=None, error="gone")
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.jobs.claim_next() is None
            assert await uow.jobs.requeue_stale(LATER + timedelta(hours=1)) == 1  # `new` is still running
