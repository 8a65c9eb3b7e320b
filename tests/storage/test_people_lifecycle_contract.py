"""The people lifecycle's part of the repository contract (issue 14, finding 3), on SQLite, PostgreSQL and the
in-memory fake: deactivation unlinks a person's accounts and remembers them as ended, a phone is unique among
active people only, reactivation gives the phone back only when it is free."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import IntegrityError

from cdht.handlers.ports import IdentityRecord, UnitOfWork
from tests.conftest import NOW
from tests.fakes.memory.tables import ConstraintViolation

Factory = Callable[[], UnitOfWork]
PHONE = "+84912345678"
REFUSED = (IntegrityError, ConstraintViolation)  # a unique key broken, in SQL and in memory


async def _village(uow: UnitOfWork) -> int:
    commune = await uow.units.add("C1", "Xã Một", "commune", None, NOW)
    return (await uow.units.add("V1", "Thôn A", "village", commune.id, NOW)).id


class TestPeopleLifecycleContract:
    async def test_deactivation_unlinks_the_accounts_and_remembers_them(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            village = await _village(uow)
            head = await uow.people.add("Nguyễn Văn A", PHONE, "village_head", village, NOW)
            other = await uow.people.add("Trần Thị B", "+84987654321", "village_head", village, NOW)
            await uow.people.link_identity(head.id, "telegram", "501", "501", NOW)
            await uow.people.link_identity(head.id, "zalo", "z-9", "z-9", NOW)
            await uow.people.link_identity(other.id, "telegram", "502", "502", NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            unlinked = await uow.people.deactivate(head.id, NOW)
            await uow.commit()
        assert sorted(unlinked, key=lambda i: i.channel) == [
            IdentityRecord(head.id, "telegram", "501", "501"),
            IdentityRecord(head.id, "zalo", "z-9", "z-9"),
        ]
        async with backend_uow_factory() as uow:
            gone = await uow.people.get(head.id)
            assert gone is not None and gone.active is False and gone.name == "Nguyễn Văn A"
            assert await uow.people.identities(head.id) == []
            assert await uow.people.by_identity("telegram", "501") is None
            assert await uow.people.ended_link("telegram", "501") == gone
            assert await uow.people.ended_link("zalo", "z-9") == gone
            assert await uow.people.ended_link("telegram", "502") is None  # never ended
            assert (await uow.people.by_identity("telegram", "502")) == other
            assert await uow.people.count_reachable([village], role=None, besides=0) == 1
            # the account linked again (here to someone else) is no longer an ended one
            await uow.people.link_identity(other.id, "zalo", "z-9", "z-9", NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.people.ended_link("zalo", "z-9") is None
            assert await uow.people.ended_link("telegram", "501") is not None

    async def test_a_phone_is_unique_among_active_people_only(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            village = await _village(uow)
            first = await uow.people.add("Nguyễn Văn A", PHONE, "village_head", village, NOW)
            await uow.commit()
        with pytest.raises(REFUSED):
            async with backend_uow_factory() as uow:
                await uow.people.add("Lê Thị C", PHONE, "village_head", village, NOW)
                await uow.commit()
        async with backend_uow_factory() as uow:
            await uow.people.deactivate(first.id, NOW)
            second = await uow.people.add("Lê Thị C", PHONE, "village_head", village, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.people.by_phone(PHONE) == second  # the active holder first
            assert [p.name for p in await uow.people.in_units([village])] == ["Nguyễn Văn A", "Lê Thị C"]
        with pytest.raises(REFUSED):  # the phone is Lê Thị C's now
            async with backend_uow_factory() as uow:
                await uow.people.reactivate(first.id)
                await uow.commit()
        async with backend_uow_factory() as uow:
            await uow.people.deactivate(second.id, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            holder = await uow.people.by_phone(PHONE)  # nobody active: the latest inactive one
            assert holder is not None and (holder.id, holder.active) == (second.id, False)

    async def test_reactivation_forgets_the_ended_accounts(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            village = await _village(uow)
            head = await uow.people.add("Nguyễn Văn A", PHONE, "village_head", village, NOW)
            await uow.people.link_identity(head.id, "telegram", "501", "501", NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            await uow.people.deactivate(head.id, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            await uow.people.reactivate(head.id)
            await uow.commit()
        async with backend_uow_factory() as uow:
            back = await uow.people.by_phone(PHONE)
            assert back is not None and (back.id, back.active) == (head.id, True)
            assert await uow.people.ended_link("telegram", "501") is None
            assert await uow.people.identities(head.id) == []  # they register again
