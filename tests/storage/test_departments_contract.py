"""Departments of a district's people: stored, read back, set by the roster, on every backend.

DP1 `people.set_department` stores a department code and clears it; every read of a person carries it
DP2 a roster's department column (header «Phòng ban», a code or the department's name) sets it; a file
    without the column keeps what is stored; an empty cell clears it
DP3 an unknown department, or one given to a village head or a commune officer, is refused with the row number
    and the valid codes, and nothing is imported
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cdht.handlers.admin.roster import RosterError, import_roster
from cdht.handlers.ports import UnitOfWork
from tests.conftest import NOW

Factory = Callable[[], UnitOfWork]

ROSTER = (
    "Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên,Cấp,Họ và tên,Số điện thoại,Vai trò,Phòng ban\n"
    "H1,Huyện Một,,huyện,Lê Giáo Dục,0900000101,quản trị huyện,\n"
    "H1,Huyện Một,,huyện,Trần Văn Hóa,0900000102,quản trị huyện,phong_vhtt\n"
    "H1,Huyện Một,,huyện,Ngô Lao Động,0900000103,quản trị huyện,Phòng Lao động - Thương binh và Xã hội\n"
    "X1,Xã Một,H1,xã,Phan Thị Thu,0901000101,cán bộ xã,\n"
)


def write(tmp_path: Path, text: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def departments(factory: Factory) -> dict[str, str | None]:
    async with factory() as uow:
        return {p.phone: p.department for p in await uow.people.all()}


async def test_set_department_is_read_back_everywhere_dp1(backend_uow_factory: Factory) -> None:
    async with backend_uow_factory() as uow:
        district = await uow.units.add("H1", "Huyện Một", "district", None, NOW)
        person = await uow.people.add("Trần Văn Hóa", "+84900000102", "district_admin", district.id, NOW)
        await uow.people.set_department(person.id, "phong_vhtt")
        await uow.commit()
    async with backend_uow_factory() as uow:
        got = [
            await uow.people.get(person.id),
            await uow.people.by_phone("+84900000102"),
            *(await uow.people.all()),
            *(await uow.people.in_units([district.id])),
        ]
        assert [p.department if p else "absent" for p in got] == ["phong_vhtt"] * 4
        await uow.people.set_department(person.id, None)
        await uow.commit()
    async with backend_uow_factory() as uow:
        found = await uow.people.get(person.id)
        assert found is not None and found.department is None


async def test_the_roster_sets_keeps_and_clears_departments_dp2(
    backend_uow_factory: Factory, tmp_path: Path
) -> None:
    async with backend_uow_factory() as uow:
        report = await import_roster(write(tmp_path, ROSTER), uow, NOW)
    assert len(report.people_added) == 4
    assert await departments(backend_uow_factory) == {
        "+84900000101": None,
        "+84900000102": "phong_vhtt",
        "+84900000103": "ldtbxh",
        "+84901000101": None,
    }
    async with backend_uow_factory() as uow:  # the same file again: nothing changes
        again = await import_roster(write(tmp_path, ROSTER), uow, NOW)
    assert (again.people_changed, again.unchanged) == ([], 6)
    without_column = "\n".join(line.rsplit(",", 1)[0] for line in ROSTER.splitlines()) + "\n"
    async with backend_uow_factory() as uow:
        kept = await import_roster(write(tmp_path, without_column, "kept.csv"), uow, NOW)
    assert kept.people_changed == []
    assert (await departments(backend_uow_factory))["+84900000102"] == "phong_vhtt"
    cleared = ROSTER.replace("0900000102,quản trị huyện,phong_vhtt", "0900000102,quản trị huyện,")
    async with backend_uow_factory() as uow:
        report = await import_roster(write(tmp_path, cleared, "cleared.csv"), uow, NOW)
    assert report.people_changed == ["+84900000102"]
    assert (await departments(backend_uow_factory))["+84900000102"] is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "H1,Huyện Một,,huyện,Đỗ Tài Chính,0900000104,quản trị huyện,phong_thue\n",
            "Dòng 6: phòng ban 'phong_thue' không có trong danh sách (dùng phong_gddt, phong_vhtt, ldtbxh, "
            "trung_tam_vhtt, hoi_khuyen_hoc, mttq,",
        ),
        (
            "X1,Xã Một,H1,xã,Lý Văn Xã,0901000102,cán bộ xã,phong_gddt\n",
            "Dòng 6: chỉ quản trị huyện hoặc quản trị tỉnh mới thuộc một phòng ban.",
        ),
    ],
    ids=["unknown_code", "not_an_admin"],
)
async def test_a_bad_department_is_refused_with_its_row_dp3(
    backend_uow_factory: Factory, tmp_path: Path, row: str, message: str
) -> None:
    async with backend_uow_factory() as uow:
        with pytest.raises(RosterError) as error:
            await import_roster(write(tmp_path, ROSTER + row), uow, NOW)
    assert any(problem.startswith(message) for problem in error.value.problems), error.value.problems
    async with backend_uow_factory() as uow:
        assert await uow.people.all() == []
