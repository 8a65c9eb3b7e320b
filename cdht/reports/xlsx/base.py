"""XlsxWriter plumbing: an in-memory workbook whose text can never turn into a formula.

Every string goes through `Sheet.text` (`write_string`), never through `write`, and the workbook is
opened with the string conversions off as a second guard.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from cdht.reports.figures import Cell
from cdht.reports.labels import clean_text
from cdht.scoring import Status

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
NUMBER_FORMATS = {
    "count": "#,##0",
    "percent": "0.0%",
    "level": '"mức "0',
    "at_least": '"≥ "#,##0',
    "at_least_level": '"≥ mức "0',
    "at_least_percent": '"≥ "0.0%',
    "year": "0",
}
STATUS_COLOURS = {
    Status.PASS: "#C6EFCE",
    Status.FAIL: "#FFC7CE",
    Status.MISSING: "#FFEB9C",
    Status.NO_EVIDENCE: "#FCD5B4",
}
_BASE = {"font_name": "Times New Roman", "font_size": 11, "valign": "top", "text_wrap": True, "border": 1}


class Sheet:
    """A worksheet with named formats; writes text only as strings and numbers only as numbers."""

    def __init__(self, worksheet: Any, formats: dict[str, Any]) -> None:
        self.worksheet = worksheet
        self.formats = formats

    def text(self, row: int, col: int, value: str, style: str = "text") -> None:
        value = clean_text(value)
        if value:
            self.worksheet.write_string(row, col, value, self.formats[style])
        else:
            self.worksheet.write_blank(row, col, None, self.formats[style])

    def number(self, row: int, col: int, value: float, style: str = "count") -> None:
        self.worksheet.write_number(row, col, value, self.formats[style])

    def date(self, row: int, col: int, value: date) -> None:
        self.worksheet.write_datetime(
            row, col, datetime(value.year, value.month, value.day), self.formats["date"]
        )

    def cell(self, row: int, col: int, cell: Cell) -> None:
        if cell.value is None or isinstance(cell.value, str):
            self.text(row, col, cell.value or "")
        else:
            self.number(row, col, cell.value, cell.kind)

    def status(self, row: int, col: int, label: str, status: Status) -> None:
        self.text(row, col, label, f"status_{status.value}")

    def title(self, row: int, last_col: int, value: str, style: str = "title") -> None:
        """A merged line across the table: merge blank, then write the text as a string."""
        self.worksheet.merge_range(row, 0, row, last_col, "", self.formats[style])
        self.text(row, 0, value, style)

    def header(self, row: int, labels: Sequence[str], widths: Sequence[float]) -> None:
        for col, (label, width) in enumerate(zip(labels, widths, strict=True)):
            self.text(row, col, label, "header")
            self.worksheet.set_column(col, col, width)
        self.worksheet.freeze_panes(row + 1, 0)


def _formats(workbook: Any) -> dict[str, Any]:
    formats = {
        "text": workbook.add_format(_BASE),
        "bold": workbook.add_format(_BASE | {"bold": True}),
        "header": workbook.add_format(
            _BASE | {"bold": True, "bg_color": "#D9E1F2", "align": "center", "valign": "vcenter"}
        ),
        "title": workbook.add_format(
            {"font_name": "Times New Roman", "bold": True, "font_size": 14, "align": "center"}
        ),
        "subtitle": workbook.add_format({"font_name": "Times New Roman", "italic": True, "align": "center"}),
        "note": workbook.add_format({"font_name": "Times New Roman", "bold": True, "text_wrap": False}),
        "signature": workbook.add_format({"font_name": "Times New Roman", "bold": True, "align": "center"}),
    }
    formats["date"] = workbook.add_format(_BASE | {"num_format": "dd/mm/yyyy", "align": "center"})
    for kind, pattern in NUMBER_FORMATS.items():
        formats[kind] = workbook.add_format(_BASE | {"num_format": pattern, "align": "right"})
        formats[f"{kind}_bold"] = workbook.add_format(
            _BASE | {"num_format": pattern, "align": "right", "bold": True}
        )
    for status, colour in STATUS_COLOURS.items():
        formats[f"status_{status.value}"] = workbook.add_format(
            _BASE | {"bg_color": colour, "align": "center"}
        )
    return formats


@contextmanager
def workbook(created: date, title: str) -> Iterator[tuple[Callable[[str], Sheet], io.BytesIO]]:
    """Yield `add_sheet(name)` and the buffer that holds the file once the block ends.

    `created` is written as the document's creation date so that the same input gives the same file.
    """
    import xlsxwriter  # here, not at the top: importing a report module (the bot does at start) stays cheap

    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    book = xlsxwriter.Workbook(buffer, options)
    book.set_properties(
        {"title": clean_text(title), "created": datetime(created.year, created.month, created.day)}
    )
    formats = _formats(book)
    used: set[str] = set()

    def add_sheet(name: str) -> Sheet:
        worksheet = book.add_worksheet(sheet_name(name, used))
        worksheet.set_paper(9)  # A4
        worksheet.set_landscape()
        worksheet.fit_to_pages(1, 0)
        return Sheet(worksheet, formats)

    yield add_sheet, buffer
    book.close()


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique (case-insensitively) Excel sheet name; `used` is updated with it."""
    clean = _SHEET_FORBIDDEN.sub(" ", clean_text(name).replace("\n", " ").replace("\t", " "))
    clean = " ".join(clean.split()).strip("'").strip() or "Trang"
    if clean.lower() == "history":
        clean = "History (1)"
    candidate, number = _fit(clean, ""), 2
    while candidate.lower() in used:
        candidate, number = _fit(clean, f" ({number})"), number + 1
    used.add(candidate.lower())
    return candidate


def _fit(base: str, suffix: str) -> str:
    """Cut `base` so that base + suffix has at most 31 UTF-16 units, as Excel counts them."""
    while len((base + suffix).encode("utf-16-le")) > 62:
        base = base[:-1]
    return base.rstrip().rstrip("'") + suffix
