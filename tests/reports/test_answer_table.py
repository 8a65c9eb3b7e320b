"""The raw data table (XLSX and CSV written together): read back with openpyxl and the csv module."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import replace
from datetime import date, datetime

import openpyxl
import pytest

from cdht.reports.xlsx.answer_table import (
    LONG_HEADERS,
    LONG_SHEET,
    WIDE_FIXED,
    WIDE_SHEET,
    AnswerCell,
    AnswerTableWriter,
    Column,
    Place,
)

from .fixtures import NASTY

COLUMNS = (
    Column("village_head", 2, "households", "Số hộ"),
    Column("village_head", 2, "village_cdht", "Thôn đạt danh hiệu"),
    Column("village_head", 2, "notes", "Ghi chú"),
)
HEAD = {label: index for index, (label, _) in enumerate(LONG_HEADERS)}
VILLAGE = Place("T01", "Thôn Đồng Tâm", "Thôn", "P1", "H1", "X1", "Đã duyệt")
EMPTY = Place("T02", "Bản Nà Lừa", "Thôn", "P1", "H1", "X1", "Chưa gửi")


def cell(question_id: str, value: object, display: str, column: int | None) -> AnswerCell:
    return AnswerCell(
        questionnaire="village_head",
        version=2,
        question_id=question_id,
        label=f"Câu hỏi {question_id} của thôn?",
        short="",
        fact="",
        display=display,
        value=value,
        measure="hộ" if question_id == "households" else "",
        answered_by="Nguyễn Văn Ấn",
        source="Trò chuyện",
        answered_at=datetime(2025, 3, 1, 15, 30),
        evidence="ảnh họp thôn.jpg",
        column=column,
    )


ANSWERS = (
    cell("households", 1250, "1.250", 0),
    cell("village_cdht", True, "Có", 1),
    cell("notes", "=1+1", "=1+1", 2),
    cell("meeting_day", date(2025, 2, 14), "14/02/2025", None),
    cell("ratio", 12.5, "12,5", None),
)


def export(units: list[tuple[Place, tuple[AnswerCell, ...]]]) -> tuple[bytes, bytes, int]:
    book, table = io.BytesIO(), io.BytesIO()
    writer = AnswerTableWriter(book, table, year=2025, title="Toàn bộ câu trả lời", columns=COLUMNS)
    for place, answers in units:
        writer.add_unit(place, answers)
    writer.close()
    return book.getvalue(), table.getvalue(), writer.rows


def test_the_workbook_keeps_vietnamese_text_and_typed_values() -> None:
    data, _, rows = export([(VILLAGE, ANSWERS)])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[LONG_SHEET]
    table = list(sheet.iter_rows(values_only=True))
    assert rows == len(ANSWERS) and len(table) == 1 + len(ANSWERS)
    assert list(table[0]) == [label for label, _ in LONG_HEADERS]
    households, yes, notes, day, ratio = table[1:]
    assert households[HEAD["Tên đơn vị"]] == "Thôn Đồng Tâm"
    assert households[HEAD["Người trả lời"]] == "Nguyễn Văn Ấn"
    assert [households[HEAD[name]] for name in ("Mã tỉnh", "Mã huyện", "Mã xã", "Mã đơn vị")] == [
        "P1",
        "H1",
        "X1",
        "T01",
    ]
    assert households[HEAD["Giá trị"]] == 1250 and isinstance(households[HEAD["Giá trị"]], int | float)
    assert households[HEAD["Trả lời (như đã nhập)"]] == "1.250"
    assert (yes[HEAD["Giá trị"]], yes[HEAD["Giá trị số (Có = 1, Không = 0)"]]) == ("Có", 1)
    assert ratio[HEAD["Giá trị"]] == 12.5
    assert day[HEAD["Giá trị"]] == datetime(2025, 2, 14)
    assert households[HEAD["Thời điểm trả lời (giờ Việt Nam)"]] == datetime(2025, 3, 1, 15, 30)
    assert notes[HEAD["Giá trị"]] == "=1+1" and notes[HEAD["Giá trị số (Có = 1, Không = 0)"]] is None
    assert households[HEAD["Minh chứng"]] == "ảnh họp thôn.jpg"


@pytest.mark.parametrize("text", NASTY)
def test_text_never_becomes_a_formula(text: str) -> None:
    answers = (replace(ANSWERS[2], value=text, display=text, answered_by=text, label=text),)
    data, table, _ = export([(replace(VILLAGE, name=text), answers)])
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for found in row:
                assert found.data_type != "f", f"{sheet.title}!{found.coordinate} is a formula"
    long = list(book[LONG_SHEET].iter_rows(values_only=True))
    assert long[1][HEAD["Giá trị"]] == text and long[1][HEAD["Tên đơn vị"]] == text
    wide = list(book[WIDE_SHEET].iter_rows(values_only=True))
    assert wide[3][len(WIDE_FIXED) + 2] == text
    [_, line] = list(csv.reader(io.StringIO(table.decode("utf-8-sig"))))
    for index in (HEAD["Giá trị"], HEAD["Tên đơn vị"], HEAD["Người trả lời"], HEAD["Câu hỏi"]):
        assert line[index] == "'" + text  # a spreadsheet shows it as text, never computes it


def test_the_csv_has_a_bom_and_the_same_rows_as_the_first_sheet() -> None:
    data, table, _ = export([(VILLAGE, ANSWERS), (EMPTY, ())])
    assert table.startswith(codecs.BOM_UTF8)
    lines = list(csv.reader(io.StringIO(table.decode("utf-8-sig"))))
    sheet = list(openpyxl.load_workbook(io.BytesIO(data))[LONG_SHEET].iter_rows(values_only=True))
    assert len(lines) == len(sheet) == 1 + len(ANSWERS)
    assert lines[0] == list(sheet[0])
    for text_row, cells in zip(lines[1:], sheet[1:], strict=True):
        assert text_row[HEAD["Mã câu hỏi"]] == cells[HEAD["Mã câu hỏi"]]
        assert text_row[HEAD["Tên đơn vị"]] == "Thôn Đồng Tâm"
    households, yes = lines[1], lines[2]
    assert float(households[HEAD["Giá trị"]]) == 1250
    assert (yes[HEAD["Giá trị"]], yes[HEAD["Giá trị số (Có = 1, Không = 0)"]]) == ("Có", "1")
    assert households[HEAD["Thời điểm trả lời (giờ Việt Nam)"]] == "2025-03-01 15:30:00"
    assert lines[4][HEAD["Giá trị"]] == "2025-02-14"


def test_the_wide_sheet_has_one_row_per_unit_and_a_column_per_question() -> None:
    data, _, _ = export([(VILLAGE, ANSWERS), (EMPTY, ())])
    wide = list(openpyxl.load_workbook(io.BytesIO(data))[WIDE_SHEET].iter_rows(values_only=True))
    fixed = len(WIDE_FIXED)
    questionnaire, names, ids, first, second = wide
    assert list(questionnaire[fixed:]) == ["village_head v2"] * len(COLUMNS)
    assert list(names[fixed:]) == [c.name for c in COLUMNS]
    assert list(ids[fixed:]) == [c.question_id for c in COLUMNS]
    assert list(ids[:fixed]) == [label for label, _ in WIDE_FIXED]
    assert first[3:5] == ("T01", "Thôn Đồng Tâm") and first[fixed - 1] == "Đã duyệt"
    assert list(first[fixed:]) == [1250, "Có", "=1+1"]
    assert second[3] == "T02" and all(value is None for value in second[fixed:])
