"""The Mini App's progress page as data, on the in-memory unit of work."""

from __future__ import annotations

from datetime import date

import pytest

from cdht.handlers.officer.progress_grid import ProgressGrid, UnitRow, progress_grid
from cdht.handlers.ports import (
    NewAnswer,
    NewEvidence,
    PersonRecord,
    SelfAssessmentMeeting,
    UnitRecord,
    YearRecord,
)
from cdht.scoring.criteria_set import criteria_set_for_tier
from tests.conftest import NOW
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork

YEAR = 2025
TODAY = date(2025, 11, 15)


async def _district(database: MemoryDatabase) -> dict[str, PersonRecord]:
    """A province P1 > district D1 > communes C1 (villages V1, V2) and C2 (village V3); C1 answered three
    indicators (1.1 with a document, 1.2 no, 1.3 yes without one), V1 approved, C1 sent its dossier."""
    async with MemoryUnitOfWork(database) as uow:
        province = await uow.units.add("P1", "Tỉnh Một", "province", None, NOW)
        district = await uow.units.add("D1", "Huyện Một", "district", province.id, NOW)
        c1 = await uow.units.add("C1", "Xã Một", "commune", district.id, NOW)
        c2 = await uow.units.add("C2", "Xã Hai", "commune", district.id, NOW)
        v1 = await uow.units.add("V1", "Thôn A", "village", c1.id, NOW)
        await uow.units.add("V2", "Thôn B", "village", c1.id, NOW)
        await uow.units.add("V3", "Thôn C", "village", c2.id, NOW)
        people = {
            "province": await uow.people.add("Lê Văn T", "+84910000001", "province_admin", province.id, NOW),
            "district": await uow.people.add(
                "Phạm Thị H", "+84910000002", "district_admin", district.id, NOW
            ),
            "commune": await uow.people.add("Trần Thị B", "+84910000003", "commune_officer", c1.id, NOW),
            "head": await uow.people.add("Nguyễn Văn A", "+84910000004", "village_head", v1.id, NOW),
        }
        for fact, value in (("1.1", True), ("1.2", False), ("1.3", True)):
            await uow.answers.add(NewAnswer(c1.id, YEAR, fact, value, NOW, "chat", fact=fact))
        await uow.evidence.add(NewEvidence(c1.id, YEAR, "1.1", "photo", NOW, fact="1.1"))
        await uow.years.save(YearRecord(v1.id, YEAR, "approved"), NOW)
        await uow.dossiers.add(
            unit_id=c1.id,
            year=YEAR,
            level=1,
            receiver_unit_id=district.id,
            meeting=SelfAssessmentMeeting(date(2025, 11, 1), "Chủ tịch UBND xã", "Các thành viên", 1),
            snapshot={},
            documents=(),
            content_hash="h",
            sent_by=people["commune"].id,
            now=NOW,
        )
        await uow.commit()
    return people


async def _grid(database: MemoryDatabase, person: PersonRecord, code: str) -> ProgressGrid:
    async with MemoryUnitOfWork(database) as uow:
        unit = await uow.units.by_code(code)
        assert isinstance(unit, UnitRecord)
        return await progress_grid(uow, person, unit, YEAR, TODAY)


def _counts_match(row: UnitRow) -> None:
    statuses = [cell.status for cell in row.cells.values()]
    assert (row.passed, row.failed, row.missing, row.no_evidence) == (
        statuses.count("pass"),
        statuses.count("fail"),
        statuses.count("missing"),
        statuses.count("no_evidence"),
    )
    assert row.passed + row.failed + row.missing + row.no_evidence == len(row.cells)


async def test_a_commune_shows_its_villages_and_its_own_indicators() -> None:
    database = MemoryDatabase()
    people = await _district(database)
    grid = await _grid(database, people["commune"], "C1")
    assert (grid.unit.code, grid.unit.tier_label, grid.year) == ("C1", "xã", YEAR)
    assert [(v.code, v.state, v.state_label, v.heads) for v in grid.villages] == [
        ("V1", "approved", "đã duyệt", ("Nguyễn Văn A",)),
        ("V2", "not_started", "chưa bắt đầu", ()),
    ]
    assert (grid.unit.villages_done, grid.unit.villages_total) == (1, 2)
    cells = grid.unit.cells
    assert (cells["1.1"].status, cells["1.1"].label) == ("pass", "đạt")
    assert (cells["1.2"].status, cells["1.2"].label) == ("fail", "chưa đạt")
    assert (cells["1.3"].status, cells["1.3"].label) == ("no_evidence", "thiếu minh chứng")
    assert (cells["2.1"].status, cells["2.1"].label) == ("missing", "thiếu số liệu")
    assert cells["1.2"].explanation.startswith("1.2: ")
    assert (grid.unit.level, grid.unit.level_label) == (0, "Chưa đạt mức độ 1")
    assert [c.id for c in grid.own_columns] == [i.id for i in criteria_set_for_tier("commune").indicators]
    assert set(cells) == {c.id for c in grid.own_columns}
    assert (grid.columns, grid.rows) == ((), ())
    assert (grid.unit.passed, grid.unit.failed, grid.unit.no_evidence) == (1, 1, 1)
    _counts_match(grid.unit)
    assert grid.gaps and grid.gaps[0].startswith("1. ")
    assert grid.learning_models[0].startswith("• Đơn vị học tập")


async def test_level_two_wording_names_the_columns() -> None:
    database = MemoryDatabase()
    people = await _district(database)
    grid = await _grid(database, people["commune"], "C1")
    column = next(c for c in grid.own_columns if c.id == "4.2")
    assert (column.criterion_id, column.name) == (
        "4",
        "Xã đạt chuẩn phổ cập giáo dục tiểu học mức độ 3 theo quy định tại Nghị định số 20/2014/NĐ-CP",
    )


async def test_a_district_shows_one_row_per_commune_on_the_same_columns() -> None:
    database = MemoryDatabase()
    people = await _district(database)
    grid = await _grid(database, people["district"], "D1")
    assert [(r.code, r.tier_label, r.level, r.level_label, r.drill) for r in grid.rows] == [
        ("C1", "xã", 0, "Chưa đạt mức độ 1", True),
        ("C2", "xã", 0, "Chưa đạt mức độ 1", True),
    ]
    ids = [c.id for c in grid.columns]
    assert ids == [i.id for i in criteria_set_for_tier("commune").indicators]
    assert [c.id for c in grid.own_columns] == [i.id for i in criteria_set_for_tier("district").indicators]
    assert all(list(row.cells) == ids for row in grid.rows)
    first, second = grid.rows
    assert (first.passed, first.failed, first.no_evidence) == (1, 1, 1)
    assert second.missing == len(ids)
    for row in (*grid.rows, grid.unit):
        _counts_match(row)
    assert [(r.villages_done, r.villages_total) for r in grid.rows] == [(1, 2), (0, 1)]
    assert (grid.unit.villages_done, grid.unit.villages_total, grid.villages) == (None, None, ())


async def test_a_unit_that_sent_its_dossier_shows_the_stage() -> None:
    database = MemoryDatabase()
    people = await _district(database)
    district = await _grid(database, people["district"], "D1")
    assert [(r.code, r.stage) for r in district.rows] == [("C1", "đã gửi hồ sơ"), ("C2", None)]
    assert district.unit.stage is None
    commune = await _grid(database, people["commune"], "C1")
    assert commune.unit.stage == "đã gửi hồ sơ"


async def test_crumbs_stop_at_the_persons_own_unit() -> None:
    database = MemoryDatabase()
    people = await _district(database)
    assert (await _grid(database, people["commune"], "C1")).crumbs == ()
    from_district = await _grid(database, people["district"], "C1")
    assert [(c.code, c.name) for c in from_district.crumbs] == [("D1", "Huyện Một")]
    from_province = await _grid(database, people["province"], "C1")
    assert [c.code for c in from_province.crumbs] == ["P1", "D1"]


async def test_a_province_shows_its_districts_on_the_district_columns() -> None:
    database = MemoryDatabase()
    people = await _district(database)
    grid = await _grid(database, people["province"], "P1")
    assert [(r.code, r.tier_label, r.villages_total) for r in grid.rows] == [("D1", "huyện", None)]
    assert [c.id for c in grid.columns] == [i.id for i in criteria_set_for_tier("district").indicators]
    assert list(grid.rows[0].cells) == [c.id for c in grid.columns]
    assert (grid.unit.tier_label, grid.crumbs) == ("tỉnh", ())


async def test_a_village_has_no_progress_page() -> None:
    database = MemoryDatabase()
    people = await _district(database)
    with pytest.raises(ValueError, match="no progress page"):
        await _grid(database, people["head"], "V1")
