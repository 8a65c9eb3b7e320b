from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from cdht.handlers.admin.roster import RosterError, import_roster
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW

Factory = Callable[[], SqlUnitOfWork]
DEMO = Path(__file__).parents[2] / "cdht" / "demo" / "roster.csv"
HEADER = "unit_code,unit_name,parent_code,tier,person_name,phone,role\n"


def write(tmp_path: Path, body: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


async def counts(factory: Factory) -> tuple[int, int, list[tuple[str, str]]]:
    async with factory() as uow:
        units = await uow.units.all()
        people = await uow.people.all()
        return len(units), len(people), sorted((p.phone, p.name) for p in people)


async def test_demo_roster_imports_and_is_idempotent(sqlite_uow_factory: Factory) -> None:
    async with sqlite_uow_factory() as uow:
        first = await import_roster(DEMO, uow, NOW)
    assert len(first.units_added) == 17
    assert len(first.people_added) == 17
    async with sqlite_uow_factory() as uow:
        second = await import_roster(DEMO, uow, NOW)
    assert (second.units_added, second.units_changed, second.people_added, second.people_changed) == (
        [],
        [],
        [],
        [],
    )
    assert second.unchanged == 34
    async with sqlite_uow_factory() as uow:
        district = await uow.units.by_code("DEMO-SH")
        assert district is not None
        communes = await uow.units.children(district.id)
        assert [c.tier for c in communes] == ["commune"] * 3
        villages = [len(await uow.units.children(c.id)) for c in communes]
        assert all(3 <= n <= 5 for n in villages)
        head = await uow.people.by_phone("+84902000001")
        assert head is not None and head.role == "village_head"


async def test_vietnamese_headers_in_xlsx_and_units_without_people(
    sqlite_uow_factory: Factory, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Cấp", "Họ và tên", "Số điện thoại", "Vai trò"]
    )
    sheet.append(["P", "Tỉnh P", None, "Tỉnh", None, None, None])
    sheet.append(["X", "Xã X", "P", "xã", "Lò Văn Pọm", 912345678, "Cán bộ xã"])
    sheet.append(["X-1", "Bản Một", "X", "thôn", "Mùa A Dế", "0987 654 321", "trưởng thôn"])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    async with sqlite_uow_factory() as uow:
        report = await import_roster(path, uow, NOW)
    assert report.units_added == ["P", "X", "X-1"]
    assert sorted(report.people_added) == ["+84912345678", "+84987654321"]
    async with sqlite_uow_factory() as uow:
        province = await uow.units.by_code("P")
        commune = await uow.units.by_code("X")
        assert province is not None and commune is not None and commune.parent_id == province.id
        assert commune.tier == "commune"


async def test_changes_are_reported(sqlite_uow_factory: Factory, tmp_path: Path) -> None:
    async with sqlite_uow_factory() as uow:
        await import_roster(DEMO, uow, NOW)
    path = write(
        tmp_path,
        "DEMO-SH-X1,Xã An Bình Mới,DEMO-SH,commune,Phan Thị Thu,0901000001,commune_officer\n"
        "DEMO-SH-X1-T1,Thôn Đông,DEMO-SH-X1,village,Nguyễn Văn An,0902000001,village_head\n"
        "DEMO-SH-X1-T2,Thôn Tây,DEMO-SH-X1,village,Nguyễn Văn An,0902000001,village_head\n",
    )
    with pytest.raises(RosterError):
        # the same person twice in one file with two villages is a mistake, not a move
        async with sqlite_uow_factory() as uow:
            await import_roster(path, uow, NOW)
    path = write(
        tmp_path,
        "DEMO-SH-X1,Xã An Bình Mới,DEMO-SH,commune,Phan Thị Thu,0901000001,commune_officer\n"
        "DEMO-SH-X1-T2,Thôn Tây,DEMO-SH-X1,village,Nguyễn Văn An,0902000001,village_head\n",
    )
    async with sqlite_uow_factory() as uow:
        report = await import_roster(path, uow, NOW)
    assert report.units_changed == ["DEMO-SH-X1"]
    assert report.people_changed == ["+84902000001"]
    async with sqlite_uow_factory() as uow:
        person = await uow.people.by_phone("+84902000001")
        village = await uow.units.by_code("DEMO-SH-X1-T2")
        assert person is not None and village is not None and person.unit_id == village.id


async def test_bad_rows_are_numbered_and_nothing_changes(sqlite_uow_factory: Factory, tmp_path: Path) -> None:
    async with sqlite_uow_factory() as uow:
        await import_roster(DEMO, uow, NOW)
    before = await counts(sqlite_uow_factory)
    path = write(
        tmp_path,
        "NEW-1,Thôn Mới,DEMO-SH-X1,village,Người Mới,0911111111,village_head\n"  # row 2: fine
        "NEW-2,Thôn Lạc,NOWHERE,village,,,\n"  # row 3: unknown parent
        "NEW-3,Thôn Ba,DEMO-SH-X1,village,Ai Đó,12345,village_head\n"  # row 4: bad phone
        "NEW-4,Thôn Bốn,DEMO-SH-X1,village,Ai Khác,0911111112,chairman\n"  # row 5: unknown role
        "NEW-5,Thôn Năm,DEMO-SH-X1,village,Người Lạ,0902000001,village_head\n"  # row 6: phone of another person
        "NEW-6,Thôn Sáu,DEMO-SH-X1,hamlet,,,\n"  # row 7: unknown tier
        "NEW-7,Thôn Bảy,DEMO-SH-X1,village,Người Mới Hai,0911111111,village_head\n",  # row 8: duplicate phone in file
    )
    async with sqlite_uow_factory() as uow:
        with pytest.raises(RosterError) as caught:
            await import_roster(path, uow, NOW)
    problems = "\n".join(caught.value.problems)
    for row, words in [
        (3, "NOWHERE"),
        (4, "12345"),
        (5, "chairman"),
        (6, "Nguyễn Văn An"),
        (7, "hamlet"),
        (8, "Người Mới"),
    ]:
        assert any(p.startswith(f"Dòng {row}:") and words in p for p in caught.value.problems), problems
    assert not any(p.startswith("Dòng 2:") for p in caught.value.problems)
    assert await counts(sqlite_uow_factory) == before


async def test_a_missing_column_is_named(sqlite_uow_factory: Factory, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("unit_code;unit_name;tier\nX;Xã;commune\n", encoding="utf-8")
    async with sqlite_uow_factory() as uow:
        with pytest.raises(ValueError, match="parent_code"):
            await import_roster(path, uow, NOW)
