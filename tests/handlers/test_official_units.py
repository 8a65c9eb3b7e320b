"""Official units (issue 17, item 2): a province and its communes from `vietnam-provinces`, imported through
the unit of work, idempotent, renamed in place, never deleted; a roster then names the communes by code."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from vietnam_provinces import Province, ProvinceCode, Ward

from cdht.handlers.admin.official_units import (
    ADDED,
    RENAMED,
    OfficialCommune,
    OfficialProvince,
    OfficialUnitsConflict,
    UnknownProvince,
    import_official_units,
    packaged_catalogue,
)
from cdht.handlers.admin.roster import RosterError, import_roster
from cdht.handlers.ports import UnitRecord
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork

SOURCE = "vietnam-provinces (test)"
HEADER = "unit_code,unit_name,parent_code,tier,person_name,phone,role\n"


def packaged(province_code: int) -> dict[str, str]:
    """The package's own list for a province, read without our catalogue: code → name, spaces collapsed."""
    return {
        f"{int(ward.code):05d}": re.sub(r"\s+", " ", ward.name).strip()
        for ward in Ward.iter_by_province(ProvinceCode(province_code))
    }


async def run_import(database: MemoryDatabase, province: OfficialProvince, year: int | None = 2025):
    async with MemoryUnitOfWork(database) as uow:
        return await import_official_units(uow, province, NOW, source=SOURCE, year=year)


async def stored(database: MemoryDatabase) -> list[UnitRecord]:
    async with MemoryUnitOfWork(database) as uow:
        return await uow.units.all()


async def test_lang_son_has_every_commune_of_the_package_under_it() -> None:
    database = MemoryDatabase()
    steps: list[int] = []
    lang_son = packaged_catalogue().find("Lạng Sơn")
    async with MemoryUnitOfWork(database) as uow:
        report = await import_official_units(
            uow, lang_son, NOW, source=SOURCE, year=2025, advance=steps.append
        )
    units = await stored(database)
    [province] = [unit for unit in units if unit.tier == "province"]
    assert (province.code, province.name, province.parent_id) == ("20", "Tỉnh Lạng Sơn", None)
    communes = {unit.code: unit for unit in units if unit.tier == "commune"}
    assert {code: unit.name for code, unit in communes.items()} == packaged(20)
    assert len(units) == len(packaged(20)) + 1
    assert {unit.parent_id for unit in communes.values()} == {province.id}
    assert sorted(report.added) == sorted(packaged(20)) and report.province_change == "added"
    assert sum(steps) == len(packaged(20)) + 1  # the progress bar reaches its end
    kinds = {name.split()[0] for name in packaged(20).values()}
    assert kinds <= {"Xã", "Phường", "Đặc"}
    assert f"Đã thêm {len(packaged(20))} xã, cập nhật 0 tên, 0 không đổi." in report.summary()
    async with MemoryUnitOfWork(database) as uow:
        logged = await uow.audit.for_units([unit.id for unit in units], 2025)
    assert len(logged) == len(units) and {entry.action for entry in logged} == {ADDED}


async def test_a_second_run_changes_nothing_and_says_so() -> None:
    database = MemoryDatabase()
    lang_son = packaged_catalogue().find("20")
    await run_import(database, lang_son)
    before = await stored(database)
    again = await run_import(database, lang_son)
    assert await stored(database) == before
    assert not again.changed and again.unchanged == len(packaged(20))
    assert again.summary().splitlines()[1].startswith("Không có gì thay đổi: đã thêm 0 xã, cập nhật 0 tên")
    async with MemoryUnitOfWork(database) as uow:
        assert len(await uow.audit.for_units([unit.id for unit in before])) == len(before)


async def test_a_renamed_commune_is_updated_in_place_never_duplicated() -> None:
    database = MemoryDatabase()
    lang_son = packaged_catalogue().find("lang son")
    await run_import(database, lang_son)
    first = lang_son.communes[0]
    # A later release renames the first commune: fed through the seam, same code.
    renamed = dataclasses.replace(
        lang_son,
        communes=(OfficialCommune(first.code, "Phường Tên Mới"), *lang_son.communes[1:]),
    )
    before = {unit.code: unit for unit in await stored(database)}
    report = await run_import(database, renamed)
    after = {unit.code: unit for unit in await stored(database)}
    assert len(after) == len(before)
    assert after[first.code].id == before[first.code].id and after[first.code].name == "Phường Tên Mới"
    assert report.renamed == [(first.code, first.name, "Phường Tên Mới")]
    assert f"Đổi tên {first.code}: {first.name} → Phường Tên Mới." in report.summary()
    async with MemoryUnitOfWork(database) as uow:
        logged = await uow.audit.for_units([after[first.code].id])
    assert [(e.action, e.old_value, e.new_value) for e in logged][-1] == (
        RENAMED,
        first.name,
        "Phường Tên Mới",
    )

    # A name edited by hand in storage goes back to the official one on the next import.
    async with MemoryUnitOfWork(database) as uow:
        province = after["20"]
        await uow.units.update(province.id, name="Lạng Sơn cũ", tier="province", parent_id=None)
        await uow.commit()
    back = await run_import(database, lang_son)
    final = {unit.code: unit for unit in await stored(database)}
    assert final["20"].name == "Tỉnh Lạng Sơn" and final[first.code].name == first.name
    assert back.province_change == "renamed" and len(final) == len(before)


async def test_a_commune_gone_from_the_list_is_reported_not_deleted() -> None:
    database = MemoryDatabase()
    lang_son = packaged_catalogue().find("20")
    await run_import(database, lang_son)
    gone = lang_son.communes[-1]
    report = await run_import(database, dataclasses.replace(lang_son, communes=lang_son.communes[:-1]))
    assert [unit.code for unit in report.not_listed] == [gone.code]
    assert gone.code in {unit.code for unit in await stored(database)}
    assert "không có trong danh mục (giữ nguyên, không xoá)" in report.summary()


async def test_stored_units_holding_official_codes_of_another_tier_are_refused() -> None:
    database = MemoryDatabase()
    lang_son = packaged_catalogue().find("20")
    async with MemoryUnitOfWork(database) as uow:
        await uow.units.add(lang_son.communes[0].code, "Thôn Trùng Mã", "village", None, NOW)
        await uow.commit()
    before = await stored(database)
    with pytest.raises(OfficialUnitsConflict) as refused:
        await run_import(database, lang_son)
    assert f"Mã {lang_son.communes[0].code} đã là Thôn Trùng Mã (cấp thôn)" in str(refused.value)
    assert await stored(database) == before


async def test_a_commune_stored_at_the_top_is_put_under_its_province() -> None:
    database = MemoryDatabase()
    lang_son = packaged_catalogue().find("20")
    first = lang_son.communes[0]
    async with MemoryUnitOfWork(database) as uow:
        await uow.units.add(first.code, first.name, "commune", None, NOW)
        await uow.commit()
    report = await run_import(database, lang_son)
    units = {unit.code: unit for unit in await stored(database)}
    assert units[first.code].parent_id == units["20"].id and report.attached == [first.code]
    assert len(units) == len(lang_son.communes) + 1


@pytest.mark.parametrize(
    "query", ["Lạng Sơn", "lang son", "Tỉnh Lạng Sơn", "TỈNH  LẠNG SƠN", "tinh lang son", "20", "020"]
)
def test_a_province_is_found_by_name_or_code(query: str) -> None:
    assert packaged_catalogue().find(query).code == "20"


def test_cities_are_found_with_or_without_their_prefix() -> None:
    catalogue = packaged_catalogue()
    assert catalogue.find("Hà Nội").name == "Thành phố Hà Nội"
    assert catalogue.find("TP. Hồ Chí Minh").code == catalogue.find("Sài Gòn").code == "79"


def test_an_unknown_province_is_refused_politely_with_close_matches() -> None:
    catalogue = packaged_catalogue()
    with pytest.raises(UnknownProvince) as unknown:
        catalogue.find("Lang Sen")
    assert [p.code for p in unknown.value.close] == ["20"]
    assert str(unknown.value) == (
        "Không tìm thấy tỉnh, thành phố «Lang Sen» trong danh mục hành chính. Có phải: Tỉnh Lạng Sơn (mã 20)?"
    )
    with pytest.raises(UnknownProvince) as nothing_close:
        catalogue.find("Atlantis")
    assert nothing_close.value.close == [] and "20 Tỉnh Lạng Sơn" in str(nothing_close.value)
    with pytest.raises(UnknownProvince):
        catalogue.find("21")  # Bắc Giang's old code: merged into Bắc Ninh in 2025


def test_the_catalogue_is_the_whole_package() -> None:
    catalogue = packaged_catalogue()
    assert len(catalogue.provinces) == len(list(Province.iter_all())) == 34
    codes = [commune.code for province in catalogue.provinces for commune in province.communes]
    assert len(codes) == len(set(codes)) == len(list(Ward.iter_all()))


@pytest.mark.parametrize("province", packaged_catalogue().provinces, ids=lambda p: p.code)
async def test_every_province_of_the_package_imports(province: OfficialProvince) -> None:
    database = MemoryDatabase()
    report = await run_import(database, province)
    units = await stored(database)
    expected = packaged(int(province.code))
    assert len(expected) == len(province.communes) > 0
    assert {unit.code: unit.name for unit in units if unit.tier == "commune"} == expected
    assert [unit.code for unit in units if unit.tier == "province"] == [province.code]
    assert len(report.added) == len(expected) and not (await run_import(database, province)).changed


async def test_the_largest_province_imports_on_sql_storage_idempotently(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    """The SQL repositories (SQLite, PostgreSQL) do as the fake: Hồ Chí Minh City's 168 communes, once."""
    largest = max(packaged_catalogue().provinces, key=lambda province: len(province.communes))
    async with uow_factory() as uow:
        first = await import_official_units(uow, largest, NOW, source=SOURCE, year=2025)
    async with uow_factory() as uow:
        again = await import_official_units(uow, largest, NOW, source=SOURCE, year=2025)
        units = await uow.units.all()
        logged = await uow.audit.for_units([unit.id for unit in units], 2025)
    assert len(first.added) == len(largest.communes) == again.unchanged and not again.changed
    assert {unit.code: unit.name for unit in units if unit.tier == "commune"} == packaged(int(largest.code))
    assert len(logged) == len(units) == len(largest.communes) + 1


def roster(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


async def test_a_roster_adds_villages_and_people_under_official_communes(tmp_path: Path) -> None:
    database = MemoryDatabase()
    lang_son = packaged_catalogue().find("Lạng Sơn")
    await run_import(database, lang_son)
    first, second = lang_son.communes[0], lang_son.communes[1]
    assert first.code.startswith("0") and second.code.startswith("0")
    path = roster(
        tmp_path,
        # A village under an official commune by its code; the commune's officer on a row naming the
        # commune by its code alone (no name: the official one stays); a parent code as Excel shows it
        # (leading zero dropped).
        f"LS-T1,Thôn Nà Pàn,{first.code},village,Hoàng Văn Pàn,0912000001,village_head\n"
        f"{first.code},,,commune,Lộc Thị Xã,0912000002,commune_officer\n"
        f"LS-T2,Thôn Khòn Pầy,{int(second.code)},thôn,Vi Văn Khòn,0912000003,trưởng thôn\n",
    )
    async with MemoryUnitOfWork(database) as uow:
        report = await import_roster(path, uow, NOW)
    assert report.units_added == ["LS-T1", "LS-T2"] and report.units_changed == []
    units = {unit.code: unit for unit in await stored(database)}
    assert units["LS-T1"].parent_id == units[first.code].id
    assert units["LS-T2"].parent_id == units[second.code].id
    assert units[first.code].name == first.name and units[first.code].parent_id == units["20"].id
    assert len(units) == len(lang_son.communes) + 3
    async with MemoryUnitOfWork(database) as uow:
        people = {person.phone: person for person in await uow.people.all()}
    assert people["+84912000002"].unit_id == units[first.code].id
    # The official import afterwards leaves the villages and people alone.
    assert not (await run_import(database, lang_son)).changed


async def test_an_unknown_official_looking_code_is_still_refused(tmp_path: Path) -> None:
    database = MemoryDatabase()
    await run_import(database, packaged_catalogue().find("20"))
    path = roster(tmp_path, "LS-T9,Thôn Chín,99999,village,Nông Văn Chín,0912000009,village_head\n")
    with pytest.raises(RosterError) as refused:
        async with MemoryUnitOfWork(database) as uow:
            await import_roster(path, uow, NOW)
    assert refused.value.problems == ["Dòng 2: không tìm thấy đơn vị cấp trên 99999."]
