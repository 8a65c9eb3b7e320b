"""Contract of the review, audit, broadcast, reminder, difficulty and job repositories on every backend (SQLite,
PostgreSQL, the in-memory fake)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from cdht.handlers.ports import (
    AuditRecord,
    BroadcastRecord,
    DifficultyRecord,
    JobRecord,
    UnitOfWork,
    YearRecord,
)
from tests.conftest import NOW

Factory = Callable[[], UnitOfWork]


async def _person(uow: UnitOfWork) -> tuple[int, int]:
    unit = await uow.units.add("C", "Xã", "commune", None, NOW)
    person = await uow.people.add("A", "+84912345678", "commune_officer", unit.id, NOW)
    return unit.id, person.id


class TestWorkflowRepositories:
    async def test_review_state_per_unit_and_year(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            unit, _ = await _person(uow)
            await uow.years.save(YearRecord(unit, 2024, "returned", ("citizens",), "Sai số"), NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            record = await uow.years.get(unit, 2024)
            assert record == YearRecord(unit, 2024, "returned", ("citizens",), "Sai số")
            await uow.years.save(YearRecord(unit, 2024, "approved"), NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert (await uow.years.for_units([unit], 2024))[unit].status == "approved"
            assert await uow.years.get(unit, 2023) is None

    async def test_audit_log_keeps_typed_old_and_new_values(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            unit, person = await _person(uow)
            await uow.audit.add(AuditRecord("answer", NOW, unit, 2024, person, "citizens", 1000, 1100, "sửa"))
            await uow.audit.add(AuditRecord("answer", NOW, unit, 2024, person, "d", None, date(2024, 10, 5)))
            await uow.commit()
        async with backend_uow_factory() as uow:
            first, second = await uow.audit.for_units([unit], 2024)
            assert (first.old_value, first.new_value, first.reason) == (1000, 1100, "sửa")
            assert second.old_value is None and second.new_value == date(2024, 10, 5)
            assert await uow.audit.for_units([unit], 2023) == []

    async def test_audit_entries_added_together_keep_their_order_and_actor_name(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            unit, _ = await _person(uow)
            await uow.commit()
        many = [
            AuditRecord("import_answer", NOW, unit, 2024, None, f"q{n}", n, n + 1, "tệp", actor_name="ad@may")
            for n in range(2_500)  # more than one statement's batch
        ]
        async with backend_uow_factory() as uow:
            await uow.audit.add_many(many[:10])  # never committed: gone with the transaction
        async with backend_uow_factory() as uow:
            assert await uow.audit.for_units([unit]) == []
            await uow.audit.add_many(many)
            await uow.audit.add_many([])
            await uow.commit()
        async with backend_uow_factory() as uow:
            stored = await uow.audit.for_units([unit], 2024)
        assert [entry.question_id for entry in stored] == [f"q{n}" for n in range(2_500)]
        assert [(e.old_value, e.new_value) for e in stored[:2]] == [(0, 1), (1, 2)]
        assert {(e.actor_name, e.actor_id, e.reason) for e in stored} == {("ad@may", None, "tệp")}

    async def test_broadcast_progress_and_cancel(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            _, person = await _person(uow)
            broadcast = await uow.broadcasts.add(
                BroadcastRecord(person, "Họp", {"role": "all"}, "sending", NOW)
            )
            for chat in ("1", "2", "3"):
                await uow.outbox.add(
                    "telegram", chat, {"text": "Họp"}, NOW, broadcast_id=broadcast.id, person_id=person
                )
            await uow.commit()
        async with backend_uow_factory() as uow:
            [first, *_] = await uow.outbox.due("telegram", NOW, 10)
            await uow.outbox.mark_sent(first.id, "9", NOW)
            assert await uow.broadcasts.cancel_pending(broadcast.id) == 2
            await uow.broadcasts.set_status(broadcast.id, "cancelled", NOW, recipients=3)
            await uow.people.set_reachable(person, False)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.broadcasts.delivery_counts(broadcast.id) == {"sent": 1, "cancelled": 2}
            assert await uow.broadcasts.unreachable_count(broadcast.id) == 3
            saved = await uow.broadcasts.get(broadcast.id)
            assert saved is not None and saved.status == "cancelled" and saved.recipients == 3
            assert await uow.broadcasts.active() == []

    async def test_one_reminder_per_person_per_day(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            _, person = await _person(uow)
            assert await uow.reminders.record(person, date(2025, 1, 5), "answers", NOW)
            assert not await uow.reminders.record(person, date(2025, 1, 5), "answers", NOW)
            assert await uow.reminders.record(person, date(2025, 1, 6), "answers", NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.reminders.last_day(person, "answers") == date(2025, 1, 6)
            assert await uow.reminders.last_day(person, "recognition") is None

    async def test_difficulties_open_until_answered(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            unit, person = await _person(uow)
            item = await uow.difficulties.add(
                DifficultyRecord(person, unit, "Không rõ cách đếm", "open", NOW)
            )
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert [d.id for d in await uow.difficulties.open_for_units([unit])] == [item.id]
            await uow.difficulties.answer(item.id, "Đếm theo sổ hộ khẩu", person, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.difficulties.open_for_units([unit]) == []
            answered = await uow.difficulties.get(item.id)
            assert answered is not None and answered.answer == "Đếm theo sổ hộ khẩu"

    async def test_jobs_are_claimed_once_and_retried_then_failed(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            job = await uow.jobs.add(JobRecord("export", {"unit": "C"}, "pending", NOW))
            await uow.commit()
        for attempt in range(1, 4):
            async with backend_uow_factory() as uow:
                claimed = await uow.jobs.claim_next()
                assert claimed is not None and claimed.id == job.id and claimed.attempts == attempt
                await uow.jobs.finish(
                    job.id, NOW + timedelta(seconds=attempt), result_path=None, error="boom"
                )
                await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.jobs.claim_next() is None

    async def test_a_persons_jobs_are_read_back_newest_first_with_their_result(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            unit, person = await _person(uow)
            other = await uow.people.add("B", "+84912345679", "commune_officer", unit, NOW)
            older = await uow.jobs.add(
                JobRecord("export", {"format": "xlsx"}, "pending", NOW, person, "tg", "1")
            )
            await uow.jobs.add(JobRecord("chart", {}, "pending", NOW, person))
            await uow.jobs.add(JobRecord("export", {}, "pending", NOW, other.id))
            newer = await uow.jobs.add(JobRecord("export", {"format": "zip"}, "pending", NOW, person))
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert [job.id for job in await uow.jobs.for_person(person, "export", limit=5)] == [
                newer.id,
                older.id,
            ]
            assert [job.id for job in await uow.jobs.for_person(person, "export", limit=1)] == [newer.id]
            assert await uow.jobs.for_person(person, "audit", limit=5) == []
            claimed = await uow.jobs.claim_next()
            assert claimed is not None and claimed.id == older.id
            await uow.jobs.finish(older.id, NOW, result_path="ab" * 32, error=None)
            done = await uow.jobs.get(older.id)
            assert done is not None and (done.status, done.result_path, done.attempts) == (
                "done",
                "ab" * 32,
                1,
            )
            assert done.params == {"format": "xlsx"} and (done.requested_by, done.chat_id) == (person, "1")
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert (await uow.jobs.for_person(person, "export", limit=5))[1] == done
            assert await uow.jobs.get(newer.id + 100) is None
