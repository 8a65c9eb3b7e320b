"""A district's (or province's) workbook: one summary row per unit below, then one sheet per unit."""

from __future__ import annotations

from cdht.reports.inputs import CommuneDossier, DistrictDossier
from cdht.reports.labels import CHILD_TIER, TIER_NOUN, document_date, level_text
from cdht.reports.rows import failing_text
from cdht.reports.xlsx.base import Sheet, workbook
from cdht.reports.xlsx.indicators import write_indicator_table
from cdht.scoring import Assessment

SUMMARY_HEADERS = [
    "STT",
    "Mã",
    "Tên đơn vị",
    "Mức độ đạt",
    "Chỉ tiêu chưa đạt mức độ 1",
    "Chỉ tiêu chưa đạt mức độ 2",
    "Trang chi tiết",
]
_WIDTHS = [6, 12, 28, 16, 45, 45, 24]


def district_workbook(dossier: DistrictDossier) -> bytes:
    assessment = dossier.assessment
    children = dossier.child_dossiers()
    title = f"Tổng hợp kết quả đánh giá — {assessment.unit_name} — {assessment.year}"
    with workbook(document_date(assessment.year, dossier.signing.signed_on), title) as (add_sheet, buffer):
        summary = add_sheet("Tổng hợp")
        own = add_sheet(assessment.unit_name)
        write_indicator_table(own, assessment, dossier.evidence_counts)
        sheets = []
        for child in children:
            sheet = add_sheet(child.assessment.unit_name)
            write_indicator_table(sheet, child.assessment, child.evidence_counts or None)
            sheets.append(sheet.worksheet.get_name())
        _write_summary(summary, assessment, children, sheets, own.worksheet.get_name())
    return buffer.getvalue()


def _link(sheet: Sheet, row: int, col: int, target: str) -> None:
    quoted = target.replace("'", "''")
    sheet.worksheet.write_url(row, col, f"internal:'{quoted}'!A1", sheet.formats["text"], string=target)


def _write_summary(
    sheet: Sheet, assessment: Assessment, children: tuple[CommuneDossier, ...], sheets: list[str], own: str
) -> None:
    last = len(SUMMARY_HEADERS) - 1
    noun = TIER_NOUN.get(CHILD_TIER.get(assessment.tier, ""), "đơn vị")
    sheet.title(0, last, f"TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ CỘNG ĐỒNG HỌC TẬP CÁC {noun.upper()}")
    sheet.title(1, last, f"{assessment.unit_name} — năm {assessment.year}", "subtitle")
    sheet.text(2, 0, f"Kết quả của {assessment.unit_name}: {level_text(assessment.level)}", "note")
    _link(sheet, 2, last, own)
    headers = [*SUMMARY_HEADERS]
    headers[2] = f"Tên {noun}"
    sheet.header(4, headers, _WIDTHS)
    for index, (child, name) in enumerate(zip(children, sheets, strict=True), start=1):
        row = 4 + index
        child_assessment = child.assessment
        sheet.number(row, 0, index)
        sheet.text(row, 1, child_assessment.unit_code)
        sheet.text(row, 2, child_assessment.unit_name)
        sheet.text(row, 3, level_text(child_assessment.level), "bold")
        sheet.text(row, 4, failing_text(child_assessment, 1))
        sheet.text(row, 5, failing_text(child_assessment, 2))
        _link(sheet, row, 6, name)
    row = 6 + len(children)
    counts = [sum(1 for child in children if child.assessment.level == level) for level in (2, 1, 0)]
    for offset, (label, count) in enumerate(
        zip(("Đạt mức độ 2", "Đạt mức độ 1", "Chưa đạt mức độ 1"), counts, strict=True)
    ):
        sheet.text(row + offset, 2, f"Số {noun} {label.lower()}", "bold")
        sheet.number(row + offset, 3, count, "count_bold")
