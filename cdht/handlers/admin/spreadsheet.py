"""Read CSV and XLSX tables into rows keyed by canonical column names (Vietnamese headers accepted)."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from cdht.conversations.parsing.clean_text import clean_line, clean_text
from cdht.conversations.parsing.folding import fold


class SpreadsheetError(ValueError):
    pass


@dataclass(frozen=True)
class Row:
    number: int  # the row number a person sees in the file (header = 1)
    cells: dict[str, str]


def read_rows(
    path: Path, aliases: Mapping[str, str], required: tuple[str, ...], *, multiline: tuple[str, ...] = ()
) -> list[Row]:
    """Rows of the first sheet (XLSX) or of the CSV file; blank rows are dropped.

    `aliases` maps folded header texts ("ma don vi") to canonical names ("unit_code"). Every cell is
    cleaned (`clean_text`: no NUL or other control, bidirectional or invisible characters, NFC) and
    trimmed; the columns named in `multiline` keep their line breaks, the others are one line each.
    """
    raw = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path)
    if not raw:
        raise SpreadsheetError("Tệp không có dòng tiêu đề.")
    header = [_column(cell, aliases) for cell in raw[0]]
    missing = [name for name in required if name not in header]
    if missing:
        raise SpreadsheetError(f"Thiếu cột: {', '.join(missing)}.")
    rows = []
    for index, values in enumerate(raw[1:], start=2):
        cells = {
            name: clean_text(value, multiline=name in multiline).strip()
            for name, value in zip(header, values, strict=False)
            if name
        }
        if any(cells.values()):
            rows.append(Row(index, cells))
    return rows


def _column(cell: str, aliases: Mapping[str, str]) -> str:
    folded = fold(clean_line(cell))
    return aliases.get(folded.replace("_", " "), folded)


def _read_csv(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError("Tệp CSV phải được lưu với bảng mã UTF-8.") from error
    lines = clean_text(text).splitlines()  # first: a control character would split a line
    # Excel in a Vietnamese locale saves CSV with ";" because "," is the decimal mark.
    first = lines[0] if lines else ""
    delimiter = max(",;\t", key=first.count)
    return [list(row) for row in csv.reader(lines, delimiter=delimiter)]


def _read_xlsx(path: Path) -> list[list[str]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise SpreadsheetError(f"Không đọc được tệp Excel: {error}") from error
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
