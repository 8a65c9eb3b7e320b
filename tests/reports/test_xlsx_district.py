"""The district workbook: a summary row per commune, a sheet per commune, valid sheet names."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cdht.reports import DistrictDossier, district_workbook, sheet_name
from cdht.reports.xlsx.indicators import HEADER_ROW
from cdht.scoring import assessment_to_json

from .fixtures import district_assessment, district_dossier, open_workbook

FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def valid(name: str) -> bool:
    return (
        0 < len(name.encode("utf-16-le")) // 2 <= 31
        and not FORBIDDEN.search(name)
        and not name.startswith("'")
        and not name.endswith("'")
    )


def summary_rows(data: bytes) -> list[tuple[object, ...]]:
    sheet = open_workbook(data).worksheets[0]
    return [row for row in sheet.iter_rows(min_row=6, values_only=True) if isinstance(row[0], int)]


def test_summary_has_one_row_per_commune_with_level_and_failures() -> None:
    rows = summary_rows(district_workbook(district_dossier()))
    assert [row[1:4] for row in rows] == [
        ("X01", "Xã X01", "mức độ 2"),
        ("X02", "Xã X02", "mức độ 1"),
        ("X03", "Xã X03", "chưa đạt mức độ 1"),
    ]
    assert rows[0][4] == "—" and rows[0][5] == "—"
    assert rows[1][4] == "—" and rows[1][5] == "5.1 (Không đạt)"
    assert (
        rows[2][4]
        == "1.2 (Thiếu minh chứng); 2.1 (Không đạt); 4.2 (Thiếu số liệu); 5.1 (Thiếu số liệu); 5.2 (Thiếu số liệu)"
    )


def test_one_sheet_per_commune_with_the_commune_table() -> None:
    dossier = district_dossier()
    book = open_workbook(district_workbook(dossier))
    assert book.sheetnames == ["Tổng hợp", "Huyện Một", "Xã X01", "Xã X02", "Xã X03"]
    for child in dossier.assessment.children:
        sheet = book[child.unit_name]
        ids = [row[1] for row in sheet.iter_rows(min_row=HEADER_ROW + 2, values_only=True)]
        document: Any = assessment_to_json(child)
        expected = [
            indicator["id"]
            for criterion in document["levels"]["1"]["criteria"]
            for indicator in criterion["indicators"]
        ]
        assert ids[: len(expected)] == expected
        assert sheet.cell(HEADER_ROW + 2, 10).value == 3  # evidence count of 1.1 given for the commune


def test_district_own_sheet_and_level_counts() -> None:
    book = open_workbook(district_workbook(district_dossier()))
    own = book["Huyện Một"]
    assert own["A3"].value == "Kết quả tự đánh giá: chưa đạt mức độ 1"
    counts = {
        row[2]: row[3] for row in book.worksheets[0].iter_rows(values_only=True) if isinstance(row[2], str)
    }
    assert counts["Số xã đạt mức độ 2"] == 1
    assert counts["Số xã đạt mức độ 1"] == 1
    assert counts["Số xã chưa đạt mức độ 1"] == 1


def test_children_come_from_the_assessment_when_no_dossiers_given() -> None:
    rows = summary_rows(district_workbook(DistrictDossier(district_assessment())))
    assert len(rows) == 3


def test_awkward_commune_names_give_valid_unique_sheets() -> None:
    names = (
        "Xã [Đặc biệt]: A/B?*",
        "Xã rất rất dài tên để vượt quá giới hạn ba mươi mốt ký tự",
        "Xã rất rất dài tên để vượt quá giới hạn ba mươi mốt ký tự nữa",
        "'Xã trích dẫn'",
        "xã x01",
        "History",
        "",
    )
    book = open_workbook(district_workbook(DistrictDossier(district_assessment(names))))
    assert len(book.sheetnames) == 2 + 3 + len(names)
    assert all(valid(name) for name in book.sheetnames)
    assert len({name.lower() for name in book.sheetnames}) == len(book.sheetnames)
    links = [row[6] for row in summary_rows(district_workbook(DistrictDossier(district_assessment(names))))]
    assert links == book.sheetnames[2:]


def test_summary_links_point_to_the_commune_sheets() -> None:
    sheet = open_workbook(district_workbook(district_dossier())).worksheets[0]
    link = sheet.cell(6, 7).hyperlink
    assert link is not None and link.location == "'Xã X01'!A1"


@given(st.lists(st.text(max_size=40), max_size=12))
def test_sheet_names_are_always_valid_and_unique(names: list[str]) -> None:
    used: set[str] = set()
    made = [sheet_name(name, used) for name in names]
    assert all(valid(name) for name in made)
    assert all(name.lower() != "history" for name in made)
    assert len({name.lower() for name in made}) == len(made)
