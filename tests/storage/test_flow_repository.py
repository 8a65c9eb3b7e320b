"""Officers' flows in their own table, on SQLite and on the real PostgreSQL server: one state per person, replaced
by each save, gone after a clear or a rollback. In the inbox batch's unit of work the senders' flows are read
with the senders (no statement of their own) and stay right after writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.handlers.ports import PersonRecord
from cdht.storage.batch_unit_of_work import SqlBatchUnitOfWork
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW, statements

Factory = Callable[[], SqlUnitOfWork]
BatchFactory = Callable[[], SqlBatchUnitOfWork]
BROADCAST = {
    "name": "broadcast",
    "step": "confirm",
    "text": "Họp giao ban thứ Hai lúc 8 giờ",
    "attachment": {"sha256": "ab" * 32, "kind": "photo", "name": None},
    "role": "village_head",
    "unit": "DEMO-SH",
    "unfinished": True,
}


async def _people(uow_factory: Factory, count: int = 2) -> list[PersonRecord]:
    async with uow_factory() as uow:
        district = await uow.units.add("D1", "Huyện Một", "district", None, NOW)
        people = []
        for number in range(1, count + 1):
            person = await uow.people.add(
                f"Cán bộ {number}", f"+8490000000{number}", "district_admin", district.id, NOW
            )
            await uow.people.link_identity(person.id, "telegram", str(number), str(number), NOW)
            people.append(person)
        await uow.commit()
    return people


async def test_a_saved_flow_is_read_back_replaced_and_cleared(uow_factory: Factory) -> None:
    admin, other = await _people(uow_factory)
    async with uow_factory() as uow:
        assert await uow.flows.get(admin.id) is None
        await uow.flows.save(admin.id, {"name": "broadcast", "step": "text"}, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.flows.get(admin.id) == {"name": "broadcast", "step": "text"}
        await uow.flows.save(admin.id, BROADCAST, NOW + timedelta(minutes=1))
        assert await uow.flows.get(admin.id) == BROADCAST  # the transaction reads what it wrote
        await uow.flows.save(other.id, {"name": "recognition"}, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.flows.get(admin.id) == BROADCAST  # replaced whole, with its Vietnamese text intact
        await uow.flows.clear(admin.id)
        assert await uow.flows.get(admin.id) is None
        await uow.flows.clear(admin.id)  # clearing what is not there is no error
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.flows.get(admin.id) is None
        assert await uow.flows.get(other.id) == {"name": "recognition"}  # each person has their own


async def test_a_rolled_back_flow_leaves_nothing(uow_factory: Factory) -> None:
    admin, other = await _people(uow_factory)
    async with uow_factory() as uow:
        await uow.flows.save(other.id, {"name": "difficulty"}, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.flows.save(admin.id, {"name": "recognition"}, NOW)
        await uow.flows.clear(other.id)
        await uow.rollback()
        assert await uow.flows.get(admin.id) is None
        await uow.flows.save(admin.id, {"name": "difficulty"}, NOW)  # never committed: dropped on exit
    async with uow_factory() as uow:
        assert await uow.flows.get(admin.id) is None
        assert await uow.flows.get(other.id) == {"name": "difficulty"}


async def test_the_batch_reads_the_senders_flows_with_the_senders(
    uow_factory: Factory,
    batch_uow_factory: BatchFactory,
    database_url_and_engine: tuple[str, AsyncEngine],
) -> None:
    _, engine = database_url_and_engine
    admin, other = await _people(uow_factory)
    async with uow_factory() as uow:
        await uow.flows.save(admin.id, BROADCAST, NOW)
        await uow.commit()
    async with batch_uow_factory() as uow:
        with statements(engine) as sent:
            await uow.prefetch([("telegram", "1"), ("telegram", "2")], lambda person: (), 2024)
            assert len(sent) == 1  # the people, and their flows in the same query
            assert await uow.flows.get(admin.id) == BROADCAST
            assert await uow.flows.get(other.id) is None
            await uow.flows.clear(other.id)  # known to have none: no statement
            assert len(sent) == 1
        await uow.flows.save(other.id, {"name": "recognition"}, NOW)
        assert await uow.flows.get(other.id) == {"name": "recognition"}  # what was saved, not the read ahead
        await uow.flows.clear(admin.id)
        assert await uow.flows.get(admin.id) is None
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.flows.get(admin.id) is None
        assert await uow.flows.get(other.id) == {"name": "recognition"}


async def test_in_a_batch_a_save_after_a_clear_after_a_save_is_what_stays(
    uow_factory: Factory, batch_uow_factory: BatchFactory
) -> None:
    """Saves wait for the next statement in a batch; a clear between two of them must not undo the last."""
    [admin] = await _people(uow_factory, count=1)
    async with batch_uow_factory() as uow:
        await uow.prefetch([("telegram", "1")], lambda person: (), 2024)
        await uow.flows.save(admin.id, {"name": "broadcast", "step": "text"}, NOW)
        await uow.flows.clear(admin.id)
        await uow.flows.save(admin.id, {"name": "recognition"}, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.flows.get(admin.id) == {"name": "recognition"}


async def test_a_batch_that_rolls_back_forgets_the_flows_it_read_ahead_and_wrote(
    uow_factory: Factory, batch_uow_factory: BatchFactory
) -> None:
    admin, _ = await _people(uow_factory)
    async with batch_uow_factory() as uow:
        await uow.prefetch([("telegram", "1")], lambda person: (), 2024)
        await uow.flows.save(admin.id, {"name": "recognition"}, NOW)
        await uow.rollback()
        assert await uow.flows.get(admin.id) is None
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.flows.get(admin.id) is None
