"""The inbox batch's unit of work (a batching session), on SQLite and on the real PostgreSQL server: writes kept
for later are read back by the same transaction, written together, and lost with a rollback; reads made ahead
for a batch (`prefetch`) are forgotten as soon as their tables are written. Every other unit of work writes at
once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.exc import DBAPIError, InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.handlers.ports import AuditRecord, NewAnswer, QueuedMessage, SessionRecord, YearRecord
from cdht.storage.batch_unit_of_work import SqlBatchUnitOfWork
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW, statements

Factory = Callable[[], SqlBatchUnitOfWork]


def _answer(unit_id: int, question: str, value: int, minutes: int = 0) -> NewAnswer:
    return NewAnswer(
        unit_id=unit_id,
        year=2024,
        question_id=question,
        value=value,
        answered_at=NOW + timedelta(minutes=minutes),
        source="chat",
        fact=question,
    )


async def _committed_village(batch_uow_factory: Factory) -> int:
    async with batch_uow_factory() as uow:
        village = await _village(uow)
        await uow.commit()
    return village


async def _village(uow: SqlUnitOfWork) -> int:
    commune = await uow.units.add("C1", "Xã Một", "commune", None, NOW)
    return (await uow.units.add("V1", "Thôn A", "village", commune.id, NOW)).id


async def test_writes_kept_for_later_go_out_together_and_are_read_back(
    batch_uow_factory: Factory, database_url_and_engine: tuple[str, AsyncEngine]
) -> None:
    _, engine = database_url_and_engine
    village = await _committed_village(batch_uow_factory)
    async with batch_uow_factory() as uow:
        with statements(engine) as sent:
            for minute, value in enumerate((100, 120, 130)):
                await uow.answers.add(_answer(village, "citizens", value, minute))
            await uow.audit.add(AuditRecord("answer", NOW, village, 2024, None, "citizens", 120, 130))
            assert sent == []  # nothing written yet
            latest = await uow.answers.latest(village, 2024)  # ...but a read sees them
            assert latest["citizens"].value == 130
            assert [s.split(" (")[0] for s in sent[:2]] == ["INSERT INTO answers", "INSERT INTO audit_log"]
            assert len(sent) == 3  # one statement per table, then the read
        await uow.commit()
    async with batch_uow_factory() as uow:
        history = await uow.answers.history(village, 2024, "citizens")
        assert [a.value for a in history] == [100, 120, 130]  # in the order they were given
        assert [e.new_value for e in await uow.audit.for_units([village])] == [130]


async def test_writes_kept_for_later_are_lost_with_a_rollback(batch_uow_factory: Factory) -> None:
    village = await _committed_village(batch_uow_factory)
    async with batch_uow_factory() as uow:
        await uow.answers.add(_answer(village, "citizens", 100))
        await uow.rollback()
        await uow.answers.add(_answer(village, "clubs", 3))
        await uow.commit()
        await uow.answers.add(_answer(village, "libraries", 1))  # never committed
    async with batch_uow_factory() as uow:
        assert set(await uow.answers.latest(village, 2024)) == {"clubs"}


async def test_queued_replies_keep_their_order_around_an_immediate_write(batch_uow_factory: Factory) -> None:
    async with batch_uow_factory() as uow:
        await uow.outbox.add_many([QueuedMessage("telegram", "41", {"text": "một"}, None)], NOW)
        await uow.outbox.add("telegram", "41", {"text": "hai"}, NOW, dedupe_key="d1")  # written at once
        await uow.outbox.add_many([QueuedMessage("telegram", "41", {"text": "ba"}, None)], NOW)
        await uow.commit()
    async with batch_uow_factory() as uow:
        due = await uow.outbox.due("telegram", NOW, 10)
        assert [m.payload["text"] for m in due] == ["một", "hai", "ba"]


async def test_reads_made_ahead_are_forgotten_once_their_tables_are_written(
    batch_uow_factory: Factory, database_url_and_engine: tuple[str, AsyncEngine]
) -> None:
    _, engine = database_url_and_engine
    async with batch_uow_factory() as uow:
        village = await _village(uow)
        for number in (1, 2):
            head = await uow.people.add(
                f"Trưởng {number}", f"+8491000000{number}", "village_head", village, NOW
            )
            await uow.people.link_identity(head.id, "telegram", str(number), str(number), NOW)
        await uow.commit()
    async with batch_uow_factory() as uow:
        with statements(engine) as sent:
            accounts = [("telegram", "1"), ("telegram", "2"), ("telegram", "3")]
            await uow.prefetch(accounts, lambda person: [(2024, "village_head")], 2024)
            first = await uow.people.by_identity("telegram", "1")
            assert first is not None and first.name == "Trưởng 1"
            assert await uow.people.by_identity("telegram", "3") is None
            unit, review = await uow.units.with_review(village, 2024)
            assert await uow.sessions.get(first.id, village, 2024, "village_head") is None
            assert len(sent) == 3  # people, sessions, units: the reads ahead, and nothing more
        assert unit is not None and unit.id == village and review is None

        await uow.people.update(first.id, name="Trưởng Mới", role="village_head", unit_id=village)
        renamed = await uow.people.by_identity("telegram", "1")
        assert renamed is not None and renamed.name == "Trưởng Mới"

        returned = YearRecord(village, 2024, "returned", ("citizens",), "Sai số liệu")
        await uow.years.save(returned, NOW)
        assert (await uow.units.with_review(village, 2024))[1] == returned


async def test_sessions_read_ahead_for_several_people_are_given_out_once(batch_uow_factory: Factory) -> None:
    async with batch_uow_factory() as uow:
        village = await _village(uow)
        heads = [
            await uow.people.add(f"Trưởng {n}", f"+8491000000{n}", "village_head", village, NOW)
            for n in (1, 2)
        ]
        for number, head in enumerate(heads, start=1):
            await uow.people.link_identity(head.id, "telegram", str(number), str(number), NOW)
            await uow.sessions.save(
                SessionRecord(head.id, village, 2024, "q", {"cursor": head.id}, False, NOW)
            )
        await uow.commit()
    async with batch_uow_factory() as uow:
        await uow.prefetch(
            [("telegram", "1"), ("telegram", "2")], lambda person: [(2024, "q"), (0, "__flow__")], 2024
        )
        first = await uow.sessions.get(heads[0].id, village, 2024, "q")
        assert first is not None and first.state == {"cursor": heads[0].id}
        assert await uow.sessions.get(heads[1].id, village, 0, "__flow__") is None
        await uow.sessions.save(SessionRecord(heads[1].id, village, 2024, "q", {"cursor": 99}, False, NOW))
        second = await uow.sessions.get(heads[1].id, village, 2024, "q")
        assert second is not None and second.state == {"cursor": 99}  # what was saved, not the read ahead


async def test_a_kept_write_that_fails_stops_the_commit_until_a_rollback(batch_uow_factory: Factory) -> None:
    village = await _committed_village(batch_uow_factory)
    async with batch_uow_factory() as uow:
        await uow.answers.add(_answer(village + 1000, "citizens", 100))  # no such unit: the write will fail
        with pytest.raises(DBAPIError):
            await uow.answers.latest(village, 2024)  # a caller may catch this for its own statement...
        with pytest.raises(InvalidRequestError):
            await uow.commit()  # ...but nothing commits without the kept write
        await uow.rollback()
        await uow.answers.add(_answer(village, "clubs", 3))
        await uow.commit()
    async with batch_uow_factory() as uow:
        assert set(await uow.answers.latest(village, 2024)) == {"clubs"}


async def test_a_savepoint_holds_only_what_was_written_inside_it(batch_uow_factory: Factory) -> None:
    village = await _committed_village(batch_uow_factory)
    async with batch_uow_factory() as uow:
        await uow.answers.add(_answer(village, "citizens", 100))
        savepoint = await uow._active.begin_nested()  # writes what was kept before it
        await uow.answers.add(_answer(village, "clubs", 3))
        await savepoint.rollback()  # ...and drops what was kept inside it
        assert set(await uow.answers.latest(village, 2024)) == {"citizens"}
        await uow.commit()
    async with batch_uow_factory() as uow:
        assert set(await uow.answers.latest(village, 2024)) == {"citizens"}


async def test_reads_made_ahead_do_not_outlive_their_transaction(batch_uow_factory: Factory) -> None:
    async with batch_uow_factory() as uow:
        village = await _village(uow)
        head = await uow.people.add("Trưởng", "+84910000001", "village_head", village, NOW)
        await uow.people.link_identity(head.id, "telegram", "1", "1", NOW)
        await uow.commit()
    async with batch_uow_factory() as reader:
        await reader.prefetch([("telegram", "1")], lambda person: (), 2024)
        await reader.commit()
        async with batch_uow_factory() as writer:
            await writer.people.update(head.id, name="Trưởng Mới", role="village_head", unit_id=village)
            await writer.commit()
        renamed = await reader.people.by_identity("telegram", "1")
        assert renamed is not None and renamed.name == "Trưởng Mới"


async def test_other_units_of_work_write_at_once_and_read_nothing_ahead(
    uow_factory: Callable[[], SqlUnitOfWork], database_url_and_engine: tuple[str, AsyncEngine]
) -> None:
    _, engine = database_url_and_engine
    async with uow_factory() as uow:
        village = await _village(uow)
        await uow.commit()
    async with uow_factory() as uow:
        with statements(engine) as sent:
            await uow.answers.add(_answer(village, "citizens", 100))
            assert [s.split(" (")[0] for s in sent] == ["INSERT INTO answers"]
        assert not hasattr(uow, "prefetch")
