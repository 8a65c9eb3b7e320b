"""The table of every indicator of one unit: value, thresholds, status at both levels, evidence."""

from __future__ import annotations

from collections.abc import Mapping

from cdht.reports.figures import threshold_cell, value_cell
from cdht.reports.labels import community_title, criterion_status, level_text, status_label
from cdht.reports.rows import indicator_rows
from cdht.reports.xlsx.base import Sheet
from cdht.scoring import Assessment, Status

INDICATOR_HEADERS = [
    "Tiêu chí",
    "Chỉ tiêu",
    "Nội dung chỉ tiêu",
    "Giá trị",
    "Ngưỡng mức độ 1",
    "Ngưỡng mức độ 2",
    "Kết quả mức độ 1",
    "Kết quả mức độ 2",
    "Giải thích",
    "Số minh chứng",
]
_WIDTHS = [30, 8, 45, 16, 18, 18, 16, 16, 60, 11]
HEADER_ROW = 4
"""Row (0-based) of the header of the indicator table; rows below it are one per indicator."""


def reached_line(assessment: Assessment) -> str:
    if assessment.level:
        return f"Kết quả tự đánh giá: đạt {community_title(assessment.tier)} {level_text(assessment.level)}"
    return f"Kết quả tự đánh giá: {level_text(0)}"


def write_indicator_table(
    sheet: Sheet, assessment: Assessment, evidence_counts: Mapping[str, int] | None
) -> int:
    """Title lines, the level reached, then the table; returns the first free row below it."""
    last = len(INDICATOR_HEADERS) - 1
    sheet.title(0, last, "BẢN TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ CÁC TIÊU CHÍ, CHỈ TIÊU")
    sheet.title(
        1,
        last,
        f"{community_title(assessment.tier)} — {assessment.unit_name} — năm {assessment.year}",
        "subtitle",
    )
    sheet.text(2, 0, reached_line(assessment), "note")
    sheet.header(HEADER_ROW, INDICATOR_HEADERS, _WIDTHS)
    rows = indicator_rows(assessment, evidence_counts)
    row = HEADER_ROW
    for row, item in enumerate(rows, start=HEADER_ROW + 1):
        sheet.text(row, 0, f"{item.criterion_id}. {item.criterion_name}")
        sheet.text(row, 1, item.id, "bold")
        sheet.text(row, 2, item.name)
        sheet.cell(row, 3, value_cell(item.level_1.value, item.rule))
        sheet.cell(row, 4, threshold_cell(item.level_1.threshold, item.rule))
        sheet.cell(row, 5, threshold_cell(item.level_2.threshold, item.rule))
        sheet.status(row, 6, status_label(item.level_1.status), item.level_1.status)
        sheet.status(row, 7, status_label(item.level_2.status), item.level_2.status)
        sheet.text(row, 8, item.explanation)
        if item.evidence is None:
            sheet.text(row, 9, "")
        else:
            sheet.number(row, 9, item.evidence)
    sheet.worksheet.autofilter(HEADER_ROW, 0, row, last)
    return _criteria_summary(sheet, assessment, row + 2)


def _criteria_summary(sheet: Sheet, assessment: Assessment, row: int) -> int:
    sheet.text(row, 0, "Tổng hợp theo tiêu chí", "header")
    sheet.text(row, 6, "Mức độ 1", "header")
    sheet.text(row, 7, "Mức độ 2", "header")
    first, second = assessment.levels["1"], assessment.levels["2"]
    for offset, (criterion_1, criterion_2) in enumerate(zip(first.criteria, second.criteria, strict=True), 1):
        sheet.text(row + offset, 0, f"Tiêu chí {criterion_1.id}. {criterion_1.name}")
        for col, criterion in ((6, criterion_1), (7, criterion_2)):
            status = criterion_status([result.status for result in criterion.indicators])
            sheet.status(row + offset, col, "Đạt" if status is Status.PASS else "Chưa đạt", status)
    return row + len(first.criteria) + 2
