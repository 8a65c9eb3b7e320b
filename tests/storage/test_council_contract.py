"""The council's part of the repository contract (issue 15, item 4), on SQLite, PostgreSQL and the in-memory
fake: a body's council for a year is saved and replaced whole, a member finds the councils they sit on, and a
member's opinion on a criterion of a dossier is recorded and replaced by a later one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from cdht.handlers.ports import UnitOfWork
from cdht.handlers.ports.procedure import CouncilMember, SelfAssessmentMeeting
from tests.conftest import NOW
from tests.fakes.memory.tables import ConstraintViolation

Factory = Callable[[], UnitOfWork]
REFUSED = (IntegrityError, ConstraintViolation)


async def _district(uow: UnitOfWork) -> tuple[int, int, list[int]]:
    district = await uow.units.add("H1", "Huyện Một", "district", None, NOW)
    commune = await uow.units.add("C1", "Xã Một", "commune", district.id, NOW)
    people = [
        (await uow.people.add(f"Người {i}", f"+8491234560{i}", "district_admin", district.id, NOW)).id
        for i in range(7)
    ]
    return district.id, commune.id, people


async def _dossier(uow: UnitOfWork, commune: int, district: int, sender: int) -> int:
    meeting = SelfAssessmentMeeting(date(2025, 1, 20), "Chủ tịch UBND xã", "Các thành viên", 1)
    dossier = await uow.dossiers.add(
        unit_id=commune,
        year=2024,
        level=1,
        receiver_unit_id=district,
        meeting=meeting,
        snapshot={"criteria": []},
        documents=(),
        content_hash="0" * 64,
        sent_by=sender,
        now=NOW,
    )
    return dossier.id


def _members(people: list[int]) -> tuple[CouncilMember, ...]:
    roles = ("chair", "secretary", "member", "member", "member")
    return tuple(CouncilMember(person, role) for person, role in zip(people, roles, strict=False))  # type: ignore[arg-type]


class TestCouncilContract:
    async def test_a_council_is_saved_replaced_and_found_by_its_members(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            district, _, people = await _district(uow)
            saved = await uow.councils.save(district, 2024, _members(people[:5]), people[0], NOW)
            await uow.commit()
        assert saved.members == _members(people[:5])
        assert (saved.body_unit_id, saved.year, saved.created_by, saved.created_at) == (
            district,
            2024,
            people[0],
            NOW,
        )
        async with backend_uow_factory() as uow:
            assert await uow.councils.for_body(district, 2024) == saved
            assert await uow.councils.for_body(district, 2025) is None
            assert await uow.councils.of_member(people[3], 2024) == [saved]
            assert await uow.councils.of_member(people[6], 2024) == []
            assert await uow.councils.of_member(people[3], 2025) == []
        later = NOW + timedelta(days=1)
        replaced_members = _members([people[6], *people[1:5]])
        async with backend_uow_factory() as uow:
            replaced = await uow.councils.save(district, 2024, replaced_members, people[1], later)
            await uow.commit()
        assert replaced.id == saved.id and replaced.members == replaced_members
        async with backend_uow_factory() as uow:
            assert await uow.councils.for_body(district, 2024) == replaced
            assert await uow.councils.of_member(people[0], 2024) == []  # no longer sits on it
            assert await uow.councils.of_member(people[6], 2024) == [replaced]

    async def test_members_must_be_people(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            district, _, people = await _district(uow)
            await uow.commit()
        with pytest.raises(REFUSED):
            async with backend_uow_factory() as uow:
                await uow.councils.save(district, 2024, _members([*people[:4], 99999]), people[0], NOW)
                await uow.commit()

    async def test_an_opinion_is_recorded_and_replaced(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            district, commune, people = await _district(uow)
            dossier = await _dossier(uow, commune, district, people[0])
            other = await _dossier(uow, commune, district, people[0])
            await uow.opinions.record(dossier, people[1], "1", True, "Đạt", NOW)
            await uow.opinions.record(dossier, people[1], "2", False, "Thiếu minh chứng", NOW)
            await uow.opinions.record(dossier, people[2], "1", True, "", NOW)
            await uow.opinions.record(other, people[2], "1", False, "Khác", NOW)
            await uow.commit()
        later = NOW + timedelta(hours=2)
        async with backend_uow_factory() as uow:
            await uow.opinions.record(dossier, people[1], "2", True, "Đã bổ sung", later)
            await uow.commit()
        async with backend_uow_factory() as uow:
            opinions = await uow.opinions.for_dossier(dossier)
            assert [(o.member_person_id, o.criterion, o.agrees, o.comment) for o in opinions] == [
                (people[1], "1", True, "Đạt"),
                (people[1], "2", True, "Đã bổ sung"),
                (people[2], "1", True, ""),
            ]
            assert opinions[1].recorded_at == later and opinions[0].recorded_at == NOW
            assert [o.comment for o in await uow.opinions.for_dossier(other)] == ["Khác"]
            assert await uow.opinions.for_dossier(99999) == []

    async def test_an_opinion_needs_its_dossier(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            _, _, people = await _district(uow)
            await uow.commit()
        with pytest.raises(REFUSED):
            async with backend_uow_factory() as uow:
                await uow.opinions.record(99999, people[0], "1", True, "", NOW)
                await uow.commit()
