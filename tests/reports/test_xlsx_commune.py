"""The commune's summary table read back with openpyxl and compared with `assessment_to_json`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from cdht.reports import CommuneDossier, VillageFigures, commune_workbook
from cdht.reports.xlsx.indicators import HEADER_ROW, INDICATOR_HEADERS
from cdht.scoring import Assessment, Fact, Status, assessment_to_json, evaluate
from tests.scoring.builders import commune, level_2_commune_answers
from tests.scoring.builders import villages as village_facts

from .fixtures import (
    NASTY,
    STATUS_LABELS,
    commune_dossier,
    commune_totals_commune,
    level_1_commune,
    level_2_commune,
    open_workbook,
    troubled_commune,
)

ASSESSMENTS = {
    "level_2": level_2_commune,
    "level_1": level_1_commune,
    "troubled": troubled_commune,
    "commune_totals": commune_totals_commune,
}


def indicator_table(sheet: Worksheet) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert list(rows[0][: len(INDICATOR_HEADERS)]) == INDICATOR_HEADERS
    table = []
    for row in rows[1:]:
        if row[1] is None:
            break
        table.append(dict(zip(INDICATOR_HEADERS, row, strict=False)))
    return table


def json_indicators(assessment: Assessment, level: str) -> list[dict[str, Any]]:
    document: Any = assessment_to_json(assessment)
    return [
        indicator
        for criterion in document["levels"][level]["criteria"]
        for indicator in criterion["indicators"]
    ]


def assert_value_matches(cell: object, value: Any) -> None:
    if value is None:
        assert cell is None
    elif isinstance(value, bool):
        assert cell == ("Có" if value else "Không")
    elif isinstance(value, int):
        assert cell == value
    elif isinstance(value, dict) and "shares" in value:
        shares = value["shares"]
        if len(shares) == 1:
            (share,) = shares.values()
            assert cell == pytest.approx(share / 100)
        elif shares:
            assert isinstance(cell, str)
            for share in shares.values():
                assert f"{share:.1f}".replace(".", ",") + "%" in cell
        else:
            assert cell in (None, "—")
    else:
        assert isinstance(cell, str)


@pytest.mark.parametrize("name", list(ASSESSMENTS))
def test_one_row_per_indicator_matching_the_json(name: str) -> None:
    assessment = ASSESSMENTS[name]()
    book = open_workbook(commune_workbook(commune_dossier(assessment)))
    table = indicator_table(book.worksheets[0])
    first, second = json_indicators(assessment, "1"), json_indicators(assessment, "2")
    assert [row["Chỉ tiêu"] for row in table] == [indicator["id"] for indicator in first]
    for row, one, two in zip(table, first, second, strict=True):
        # The circular's words, each level's where they differ (4.2–4.4, 5.1, 5.2 carry their thresholds).
        shown = (
            one["name"] if one["name"] == two["name"] else f"Mức độ 1: {one['name']}\nMức độ 2: {two['name']}"
        )
        assert row["Nội dung chỉ tiêu"] == shown
        assert row["Kết quả mức độ 1"] == STATUS_LABELS[one["status"]]
        assert row["Kết quả mức độ 2"] == STATUS_LABELS[two["status"]]
        assert one["explanation"] in row["Giải thích"]
        assert_value_matches(row["Giá trị"], one["value"])
        assert row["Tiêu chí"].startswith(one["id"].split(".")[0] + ". ")


def test_thresholds_and_evidence_counts() -> None:
    table = {
        row["Chỉ tiêu"]: row
        for row in indicator_table(open_workbook(commune_workbook(commune_dossier())).worksheets[0])
    }
    assert table["5.1"]["Ngưỡng mức độ 1"] == pytest.approx(0.6)
    assert table["5.1"]["Ngưỡng mức độ 2"] == pytest.approx(0.8)
    assert (table["4.2"]["Ngưỡng mức độ 1"], table["4.2"]["Ngưỡng mức độ 2"]) == (2, 3)
    assert table["5.2"]["Ngưỡng mức độ 2"] == "qua đào tạo ≥ 60%; đại học trở lên ≥ 15%"
    assert table["1.1"]["Số minh chứng"] == 2
    assert table["4.1"]["Số minh chứng"] == 1
    assert table["5.1"]["Số minh chứng"] == 0


def test_statuses_of_the_troubled_commune_and_its_level_line() -> None:
    book = open_workbook(commune_workbook(commune_dossier(troubled_commune())))
    sheet = book.worksheets[0]
    table = {row["Chỉ tiêu"]: row for row in indicator_table(sheet)}
    assert table["1.2"]["Kết quả mức độ 1"] == "Thiếu minh chứng"
    assert table["2.1"]["Kết quả mức độ 1"] == "Không đạt"
    assert table["4.2"]["Kết quả mức độ 1"] == "Thiếu số liệu"
    assert table["5.1"]["Kết quả mức độ 1"] == "Thiếu số liệu"
    assert sheet["A3"].value == "Kết quả tự đánh giá: chưa đạt mức độ 1"
    assert sheet.freeze_panes == f"A{HEADER_ROW + 2}"


def test_level_reached_is_stated() -> None:
    sheet = open_workbook(commune_workbook(commune_dossier())).worksheets[0]
    assert sheet["A3"].value == "Kết quả tự đánh giá: đạt “Cộng đồng học tập” cấp xã mức độ 2"
    assert sheet["A2"].value == "“Cộng đồng học tập” cấp xã — Xã X01 — năm 2024"


def _rows_by_label(sheet: Worksheet) -> dict[str, tuple[Any, ...]]:
    return {str(row[1]): row for row in sheet.iter_rows(values_only=True) if row[1] is not None}


def test_village_sheet_sums_and_says_where_totals_came_from() -> None:
    sheet = open_workbook(commune_workbook(commune_dossier())).worksheets[1]
    rows = _rows_by_label(sheet)
    assert rows["Thôn Đồng Mỏ"][2:9] == (250, 214, 163, 41, 0.856, 0.652, 0.164)
    assert rows["Thôn Đồng Mỏ"][9:] == ("Đã duyệt", 12, 12)
    assert rows[NASTY[0]][2] is None and rows[NASTY[0]][9] == "Chưa bắt đầu"
    assert rows["Cộng các thôn"][2:6] == (1000, 850, 650, 160)
    assert rows["Số liệu dùng để đánh giá"][2:9] == (1000, 850, 650, 160, 0.85, 0.65, 0.16)
    notes = [row[0] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], str)]
    assert "Nguồn số liệu tổng: tổng hợp từ số liệu các thôn" in notes
    assert "Cơ sở tính số công dân: toàn bộ công dân" in notes
    assert f"Thôn chưa có đủ số liệu (1): {NASTY[0]}" in notes


def test_commune_entered_totals_and_base() -> None:
    dossier = CommuneDossier(commune_totals_commune(), [VillageFigures("T1", "Thôn 1", 100, 60, 50, 10)])
    sheet = open_workbook(commune_workbook(dossier)).worksheets[1]
    rows = _rows_by_label(sheet)
    assert rows["Cộng các thôn"][2:6] == (100, 60, 50, 10)
    assert rows["Số liệu dùng để đánh giá"][2:9] == (2000, 1234, 1100, 250, 0.617, 0.55, 0.125)
    notes = [row[0] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], str)]
    assert "Nguồn số liệu tổng: do xã nhập trực tiếp" in notes
    assert "Cơ sở tính số công dân: công dân từ 15 tuổi trở lên" in notes


def test_the_base_shown_is_the_one_the_figures_are_on() -> None:
    """A commune declaring «có đăng ký cư trú» over villages that counted everyone shows no figures on either
    base: the villages must count again (the scorer says so), the label never claims what was not counted."""
    villages = [
        replace(v, facts={**v.facts, "citizen_base": Fact("registered")})
        for v in village_facts(900, 800, 600, 150)
    ]
    answers = level_2_commune_answers() | {"citizen_base": Fact("registered")}
    counted = evaluate(commune(answers, villages))
    notes = _notes(CommuneDossier(counted))
    assert "Cơ sở tính số công dân: công dân có đăng ký cư trú tại xã" in notes
    mixed = evaluate(commune(answers, village_facts(900, 800, 600, 150)))
    assert mixed.indicator("5.1", 1).status is Status.MISSING
    assert "cần đếm lại" in mixed.indicator("5.1", 1).explanation
    assert not any("toàn bộ công dân" in note for note in _notes(CommuneDossier(mixed)))


def _notes(dossier: CommuneDossier) -> list[str]:
    sheet = open_workbook(commune_workbook(dossier)).worksheets[1]
    return [row[0] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], str)]


def test_shares_are_cut_not_rounded() -> None:
    dossier = CommuneDossier(level_2_commune(), [VillageFigures("T1", "Thôn 1", 3000, 1799, 0, 0)])
    rows = _rows_by_label(open_workbook(commune_workbook(dossier)).worksheets[1])
    assert rows["Thôn 1"][6] == pytest.approx(0.599)  # 59,96…% shows 59,9%, never 60,0%


def test_number_formats_are_numbers() -> None:
    sheet = open_workbook(commune_workbook(commune_dossier())).worksheets[1]
    cell = next(row for row in sheet.iter_rows() if row[1].value == "Thôn Đồng Mỏ")
    assert cell[2].data_type == "n" and cell[2].number_format == "#,##0"
    assert cell[6].number_format == "0.0%"


def test_same_input_same_bytes() -> None:
    assert commune_workbook(commune_dossier()) == commune_workbook(commune_dossier())


def test_summary_sheet_ends_with_place_date_and_signature() -> None:
    sheet = open_workbook(commune_workbook(commune_dossier())).worksheets[0]
    texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "Hòa Bình, ngày 10 tháng 02 năm 2025" in texts
    assert texts[-1] == "Nguyễn Thị Lan"
    assert {"NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Thị Lan"} <= set(texts)
