"""The commune's "Bản tổng hợp kết quả đánh giá các tiêu chí, chỉ tiêu" workbook."""

from __future__ import annotations

from cdht.reports.inputs import CommuneDossier, Signing, VillageFigures
from cdht.reports.labels import BLANK, VILLAGE_STATE_LABELS, dated_line, document_date, issuer
from cdht.reports.rows import citizen_figures
from cdht.reports.xlsx.base import Sheet, workbook
from cdht.reports.xlsx.indicators import write_indicator_table

VILLAGE_HEADERS = [
    "Mã thôn",
    "Tên thôn",
    "Tổng số công dân",
    "Công dân học tập",
    "Qua đào tạo",
    "Đại học trở lên",
    "Tỷ lệ công dân học tập",
    "Tỷ lệ qua đào tạo",
    "Tỷ lệ đại học trở lên",
    "Trạng thái nhập liệu",
    "Số câu đã trả lời",
    "Tổng số câu",
]
_WIDTHS = [12, 24, 14, 14, 14, 14, 14, 14, 14, 18, 12, 12]
_PARTS = ("learning", "trained", "university")
_SOURCE = {"villages": "tổng hợp từ số liệu các thôn", "commune": "do xã nhập trực tiếp"}


def commune_workbook(dossier: CommuneDossier) -> bytes:
    assessment = dossier.assessment
    title = f"Tổng hợp kết quả đánh giá — {assessment.unit_name} — {assessment.year}"
    with workbook(document_date(assessment.year, dossier.signing.signed_on), title) as (add_sheet, buffer):
        summary = add_sheet("Tổng hợp tiêu chí")
        row = write_indicator_table(summary, assessment, dossier.evidence_counts)
        write_signature(summary, row, dossier.signing, issuer(assessment, dossier.signing.issuer))
        write_village_sheet(add_sheet("Số liệu các thôn"), dossier)
    return buffer.getvalue()


def write_signature(sheet: Sheet, row: int, signing: Signing, body: str) -> None:
    """Place and date, who drew up the table and who signs for the issuing body."""
    sheet.text(row, 8, dated_line(signing.place, signing.signed_on), "subtitle")
    sheet.text(row + 1, 2, "NGƯỜI LẬP BIỂU", "note")
    on_behalf = "TM. ỦY BAN NHÂN DÂN" if body.lower().startswith("ủy ban nhân dân") else ""
    for offset, text in enumerate((on_behalf, signing.signer_title.upper(), "(Ký, ghi rõ họ tên, đóng dấu)")):
        if text:
            sheet.text(row + 1 + offset, 8, text, "signature")
    sheet.text(row + 7, 8, signing.signer_name or BLANK, "signature")


def truncated_share(count: int, total: int) -> float:
    """count/total as a fraction of 1, cut (not rounded) to a tenth of a percent like the scorer."""
    return (count * 1000 // total) / 1000 if total else 0.0


def _counts(village: VillageFigures) -> tuple[int | None, ...]:
    return (
        village.citizens,
        village.learning_citizens,
        village.trained_citizens,
        village.university_citizens,
    )


def _write_counts(sheet: Sheet, row: int, counts: tuple[int | None, ...], bold: bool = False) -> None:
    suffix = "_bold" if bold else ""
    for col, count in enumerate(counts, start=2):
        if count is None:
            sheet.text(row, col, "")
        else:
            sheet.number(row, col, count, "count" + suffix)
    citizens = counts[0]
    for col, count in enumerate(counts[1:], start=6):
        if citizens and count is not None:
            sheet.number(row, col, truncated_share(count, citizens), "percent" + suffix)
        else:
            sheet.text(row, col, "")


def write_village_sheet(sheet: Sheet, dossier: CommuneDossier) -> None:
    last = len(VILLAGE_HEADERS) - 1
    assessment = dossier.assessment
    sheet.title(0, last, "SỐ LIỆU CÔNG DÂN CỦA CÁC THÔN (CHỈ TIÊU 5.1, 5.2)")
    sheet.title(1, last, f"{assessment.unit_name} — năm {assessment.year}", "subtitle")
    sheet.header(3, VILLAGE_HEADERS, _WIDTHS)
    row = 3
    for row, village in enumerate(dossier.villages, start=4):
        sheet.text(row, 0, village.code)
        sheet.text(row, 1, village.name)
        _write_counts(sheet, row, _counts(village))
        sheet.text(row, 9, VILLAGE_STATE_LABELS[village.state])
        sheet.number(row, 10, village.answered)
        sheet.number(row, 11, village.total)
    row += 1
    summed = tuple(sum(counts[i] or 0 for counts in map(_counts, dossier.villages)) for i in range(4))
    sheet.text(row, 1, "Cộng các thôn", "bold")
    _write_counts(sheet, row, summed, bold=True)
    figures = citizen_figures(assessment)
    if figures is None:
        return
    row += 1
    sheet.text(row, 1, "Số liệu dùng để đánh giá", "bold")
    used = (figures.citizens, *(figures.counts.get(part) for part in _PARTS))
    _write_counts(sheet, row, used if figures.citizens or figures.counts else (None,) * 4, bold=True)
    sheet.text(row + 2, 0, f"Nguồn số liệu tổng: {_SOURCE.get(figures.source, figures.source)}", "note")
    sheet.text(row + 3, 0, f"Cơ sở tính số công dân: {figures.base}", "note")
    incomplete = [village.name for village in dossier.villages if None in _counts(village)]
    if incomplete:
        sheet.text(
            row + 4, 0, f"Thôn chưa có đủ số liệu ({len(incomplete)}): {', '.join(incomplete)}", "note"
        )
