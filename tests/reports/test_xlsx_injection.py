"""Text from people never becomes a formula: it is written with `write_string` and read back literal."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.workbook.workbook import Workbook

from cdht.reports import (
    AnnualReportInput,
    CommuneDossier,
    DistrictDossier,
    RecognitionRecord,
    VillageFigures,
    annual_report_workbook,
    commune_workbook,
    district_workbook,
    request_letter,
)
from cdht.reports.labels import clean_text

from .fixtures import NASTY, district_assessment, docx_text, level_2_commune, open_workbook


def literal_cells(book: Workbook) -> dict[str, str]:
    """Every string cell of the book by value; fails on any formula cell."""
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    found[cell.value] = cell.data_type
    return found


@pytest.mark.parametrize("text", NASTY)
def test_commune_workbook_keeps_formula_like_text_literal(text: str) -> None:
    assessment = replace(level_2_commune(), unit_name=text, unit_code=text)
    villages = [VillageFigures(text, text, 10, 5, 4, 1, "approved", 1, 1)]
    cells = literal_cells(open_workbook(commune_workbook(CommuneDossier(assessment, villages))))
    assert cells[text] == "s"
    assert f"“Cộng đồng học tập” cấp xã — {text} — năm 2024" in cells


def test_district_workbook_keeps_names_and_decisions_literal() -> None:
    assessment = district_assessment(NASTY)
    book = open_workbook(district_workbook(DistrictDossier(assessment)))
    cells = literal_cells(book)
    for text in NASTY:
        assert cells[text] == "s"


def test_annual_workbook_keeps_recognitions_literal() -> None:
    assessment = district_assessment(NASTY)
    records = [RecognitionRecord(text, text, 1, 2024, text, None, text) for text in NASTY]
    report = AnnualReportInput("Huyện Một", 2024, assessment.children, records)
    cells = literal_cells(open_workbook(annual_report_workbook(report)))
    for text in NASTY:
        assert cells[text] == "s"


def test_control_characters_are_dropped_not_fatal() -> None:
    assessment = replace(level_2_commune(), unit_name="Xã\x00 A\x1b\x07")
    villages = [VillageFigures("T\x01", "Thôn\x0b 1", 10, 5, 4, 1)]
    cells = literal_cells(open_workbook(commune_workbook(CommuneDossier(assessment, villages))))
    assert "Thôn 1" in cells and "T" in cells


FRAGMENTS = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["\ud800", "\ufffe", "\x00", "\r\n", "_x0041_", "=SUM(1)", "a\u0301"]),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(FRAGMENTS, max_size=5).map("".join))
def test_any_text_round_trips_as_literal_text(text: str) -> None:
    assessment = replace(level_2_commune(), unit_name=text)
    villages = [VillageFigures("T1", text, 10, 5, 4, 1)]
    dossier = CommuneDossier(assessment, villages)
    book = open_workbook(commune_workbook(dossier))
    literal_cells(book)
    shown = book.worksheets[1].cell(5, 2).value
    assert shown == (clean_text(text) or None)
    docx_text(request_letter(dossier))
