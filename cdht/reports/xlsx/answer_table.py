"""The raw data export: every current answer as one table, in XLSX and CSV at once, written as it is read.

Two sheets: «Câu trả lời» (one row per unit and question) and «Dạng bảng ngang» (one row per unit, one
column per question, with the questionnaire and its version above each column). XlsxWriter's constant-memory
mode flushes each row to a temporary file as soon as the next one starts, so memory stays flat however many
rows there are; rows are written strictly in order. The CSV (UTF-8 with a BOM, so that Excel reads the
accents) holds the rows of the first sheet.

Text never becomes a formula: the workbook writes every string with `write_string` (and its string
conversions are off as a second guard); in the CSV a text cell a spreadsheet would read as a formula starts
with «'». Numbers are written as numbers, dates and times as dates.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from cdht.reports.labels import clean_text

LONG_SHEET = "Câu trả lời"
WIDE_SHEET = "Dạng bảng ngang"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # as the evidence archive's index guards its captions
YES, NO = "Có", "Không"
_PLACE_HEADERS = (
    ("Mã tỉnh", 9),
    ("Mã huyện", 9),
    ("Mã xã", 9),
    ("Mã đơn vị", 12),
    ("Tên đơn vị", 26),
    ("Cấp", 7),
)
LONG_HEADERS: tuple[tuple[str, float], ...] = (
    *_PLACE_HEADERS,
    ("Năm", 6),
    ("Mã phiếu", 15),
    ("Phiên bản phiếu", 8),
    ("Mã câu hỏi", 20),
    ("Câu hỏi", 60),
    ("Tên ngắn", 24),
    ("Chỉ tiêu", 8),
    ("Trả lời (như đã nhập)", 24),
    ("Giá trị", 14),
    ("Giá trị số (Có = 1, Không = 0)", 12),
    ("Đơn vị tính", 10),
    ("Người trả lời", 22),
    ("Nguồn", 12),
    ("Thời điểm trả lời (giờ Việt Nam)", 17),
    ("Trạng thái duyệt", 14),
    ("Minh chứng", 40),
)
WIDE_FIXED: tuple[tuple[str, float], ...] = (*_PLACE_HEADERS, ("Trạng thái duyệt", 14))
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_MAX_CELL = 32_767


def _clean(text: str) -> str:
    """`clean_text`, skipped for the text that needs nothing (nearly all: a province's 32,000 rows)."""
    if len(text) <= _MAX_CELL and _UNSAFE.search(text) is None and unicodedata.is_normalized("NFC", text):
        return text
    return clean_text(text)


def csv_text(text: str) -> str:
    """A CSV text cell that no spreadsheet reads as a formula (of text already cleaned)."""
    return "'" + text if text.startswith(FORMULA_START) else text


@dataclass(frozen=True)
class Place:
    """A unit as its rows name it: code and name, tier (in words), the codes of the units above it, and the
    review state of its answers for the year (in words)."""

    code: str
    name: str
    tier: str
    province: str = ""
    district: str = ""
    commune: str = ""
    review: str = ""

    def cells(self) -> tuple[str, ...]:
        return (self.province, self.district, self.commune, self.code, self.name, self.tier)


@dataclass(frozen=True)
class Column:
    """A question of the wide sheet."""

    questionnaire: str
    version: int
    question_id: str
    name: str


@dataclass(frozen=True)
class AnswerCell:
    """One answer as the table shows it. `value` is what is stored (a number, True/False, a level, a code, a
    list of codes, a date, a {latitude, longitude} location or text); `answered_at` is local time;
    `column` is its column in the wide sheet (None: not one of its columns)."""

    questionnaire: str
    version: int | None
    question_id: str
    label: str
    short: str
    fact: str
    display: str
    value: object
    measure: str
    answered_by: str
    source: str
    answered_at: datetime | None
    evidence: str
    column: int | None = None


def stored_cell(value: object) -> str | float | date | None:
    """The «Giá trị» cell: numbers stay numbers, yes/no reads «Có»/«Không», a date stays a date, codes and
    lists are text; None when there is nothing."""
    if value is None:
        return None
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int | float):
        return value
    if isinstance(value, date):
        return value
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        if "latitude" in value and "longitude" in value:
            return f"{float(value['latitude']):.6f}, {float(value['longitude']):.6f}"
        return "; ".join(f"{key}={item}" for key, item in value.items())
    return str(value)


def number_cell(value: object) -> float | None:
    """The «Giá trị số» cell: a number or a level as it is, yes = 1 and no = 0; None for anything else."""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, int | float):
        return value
    return None


def _csv_cell(value: str | float | date | datetime | None) -> str | float:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return value


class AnswerTableWriter:
    """Writes units one after another, in the order given; `close()` finishes both files.

    `xlsx`: a path or a binary file; `csv_out`: a binary file (the writer adds the BOM)."""

    def __init__(
        self,
        xlsx: str | Path | IO[bytes],
        csv_out: IO[bytes],
        *,
        year: int,
        title: str,
        columns: Sequence[Column],
        created: date | None = None,
    ) -> None:
        import xlsxwriter  # here, not at the top: importing a report module (the bot does at start) stays cheap

        self.year = year
        self.rows = 0  # answer rows written
        self.units = 0
        self._columns = tuple(columns)
        target = str(xlsx) if isinstance(xlsx, Path) else xlsx
        self._book = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        properties: dict[str, Any] = {"title": _clean(title)}
        if created is not None:
            properties["created"] = datetime(created.year, created.month, created.day)
        self._book.set_properties(properties)
        self._header = self._book.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "text_wrap": True, "valign": "top", "border": 1}
        )
        self._moment = self._book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        self._day = self._book.add_format({"num_format": "dd/mm/yyyy"})
        self._long = self._book.add_worksheet(LONG_SHEET)
        self._wide = self._book.add_worksheet(WIDE_SHEET)
        self._csv = io.TextIOWrapper(csv_out, encoding="utf-8-sig", newline="")
        self._csv_rows = csv.writer(self._csv, lineterminator="\r\n")
        self._start()

    def _start(self) -> None:
        long = self._long
        for col, (label, width) in enumerate(LONG_HEADERS):
            long.set_column(col, col, width)
            long.write_string(0, col, label, self._header)
        long.freeze_panes(1, 0)
        self._csv_rows.writerow([label for label, _ in LONG_HEADERS])
        wide, fixed = self._wide, len(WIDE_FIXED)
        for col, (_, width) in enumerate(WIDE_FIXED):
            wide.set_column(col, col, width)
        wide.set_column(fixed, fixed + max(len(self._columns), 1) - 1, 14)
        # three header rows, strictly in order (constant memory): questionnaire and version, question, its id
        wide.write_string(0, 0, "Phiếu (phiên bản) →", self._header)
        for index, column in enumerate(self._columns):
            wide.write_string(0, fixed + index, f"{column.questionnaire} v{column.version}", self._header)
        wide.write_string(1, 0, "Câu hỏi →", self._header)
        for index, column in enumerate(self._columns):
            wide.write_string(1, fixed + index, _clean(column.name), self._header)
        for col, (label, _) in enumerate(WIDE_FIXED):
            wide.write_string(2, col, label, self._header)
        for index, column in enumerate(self._columns):
            wide.write_string(2, fixed + index, column.question_id, self._header)
        wide.freeze_panes(3, fixed)

    def _write(self, sheet: Any, row: int, col: int, value: str | float | date | datetime | None) -> None:
        if value is None or value == "":
            return
        if isinstance(value, str):  # cleaned already (`add_unit`)
            sheet.write_string(row, col, value)
        elif isinstance(value, datetime):
            sheet.write_datetime(row, col, value, self._moment)
        elif isinstance(value, date):
            sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), self._day)
        elif math.isfinite(value):
            sheet.write_number(row, col, value)
        else:  # a workbook holds no NaN or infinity: it shows what was stored
            sheet.write_string(row, col, str(value))

    def add_unit(self, place: Place, answers: Sequence[AnswerCell]) -> None:
        """The unit's answer rows (in the order given) and its row of the wide sheet."""
        head = tuple(_clean(text) for text in place.cells())
        review = _clean(place.review)
        wide_values: list[str | float | date | None] = [None] * len(self._columns)
        write, long = self._write, self._long
        for answer in answers:
            stored = stored_cell(answer.value)
            if isinstance(stored, str):
                stored = _clean(stored)
            cells: tuple[str | float | date | datetime | None, ...] = (
                *head,
                self.year,
                _clean(answer.questionnaire),
                answer.version,
                _clean(answer.question_id),
                _clean(answer.label),
                _clean(answer.short),
                _clean(answer.fact),
                _clean(answer.display),
                stored,
                number_cell(answer.value),
                _clean(answer.measure),
                _clean(answer.answered_by),
                _clean(answer.source),
                answer.answered_at,
                review,
                _clean(answer.evidence),
            )
            self.rows += 1
            for col, value in enumerate(cells):
                write(long, self.rows, col, value)
            self._csv_rows.writerow([_csv_cell(value) for value in cells])
            if answer.column is not None:
                wide_values[answer.column] = stored
        self.units += 1
        row = 2 + self.units
        for col, value in enumerate((*head, review, *wide_values)):
            write(self._wide, row, col, value)

    def close(self) -> None:
        self._long.autofilter(0, 0, max(self.rows, 1), len(LONG_HEADERS) - 1)
        self._book.close()
        self._csv.flush()
        self._csv.detach()  # the caller's file stays open: it is theirs to close
