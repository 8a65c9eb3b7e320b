"""Draft of a district's yearly report on evaluating and recognising its communes."""

from __future__ import annotations

from docx.document import Document

from cdht.reports.annual_stats import SUBJECT, AnnualSummary, level_rows, summarise
from cdht.reports.docx.base import (
    header_block,
    heading,
    line,
    new_document,
    signature_block,
    title_block,
    to_bytes,
)
from cdht.reports.docx.sections import criterion_word, recognitions_table, table
from cdht.reports.inputs import AnnualReportInput
from cdht.reports.labels import document_date, in_sentence, level_text
from cdht.reports.rows import failing_text
from cdht.scoring import level_line

_NEXT = "[Cán bộ bổ sung: phương hướng, nhiệm vụ năm tiếp theo; các xã cần hỗ trợ; kiến nghị, đề xuất.]"


def share_text(count: int, total: int) -> str:
    return f"{count * 1000 // total / 10:.1f}".replace(".", ",") + "%" if total else "—"


def annual_report_document(report: AnnualReportInput) -> bytes:
    signing, year = report.signing, report.year
    body = signing.issuer or f"Ủy ban nhân dân {in_sentence(report.unit_name)}"
    subject = SUBJECT.format(year=year)
    document = new_document(f"{subject} — {report.unit_name}", document_date(year, signing.signed_on))
    header_block(document, signing, body, "BC")
    title_block(document, "BÁO CÁO", subject)
    line(
        document,
        f"{body} báo cáo kết quả đánh giá, công nhận “Cộng đồng học tập” cấp xã năm {year} trên địa bàn {in_sentence(report.unit_name)} như sau:",
        indent=True,
    )
    summary = summarise(report)
    _evaluated(document, report, summary)
    heading(document, "II. CÁC CHỈ TIÊU CÓ NHIỀU XÃ CHƯA ĐẠT")
    if summary.failed:
        rows = [
            [
                item.id,
                item.name,
                str(item.not_passed_1),
                f"{item.failed_1} / {item.missing_1} / {item.no_evidence_1}",
                str(item.not_passed_2),
            ]
            for item in summary.failed
        ]
        headers = [
            "Chỉ tiêu",
            "Nội dung",
            "Số xã chưa đạt mức độ 1",
            "Trong đó: không đạt / thiếu số liệu / thiếu minh chứng",
            "Số xã chưa đạt mức độ 2",
        ]
        table(document, headers, rows)
    else:
        line(document, "Tất cả các xã được đánh giá đều đạt mọi chỉ tiêu ở mức độ 2.", indent=True)
    heading(document, "III. KẾT QUẢ CÔNG NHẬN TRONG NĂM")
    if report.recognitions:
        recognitions_table(document, report.recognitions)
    else:
        line(document, "Chưa có quyết định công nhận nào trong năm.", indent=True)
    if report.district is not None:
        heading(document, f"IV. KẾT QUẢ TỰ ĐÁNH GIÁ CỦA {report.district.unit_name.upper()}")
        line(document, level_line(report.district), bold=True)
        for criterion in report.district.levels["1"].criteria:
            line(
                document,
                f"- Tiêu chí {criterion.id}. {criterion.name}: mức độ 1 {criterion_word(criterion.indicators)}.",
                indent=True,
            )
    heading(document, f"{'V' if report.district is not None else 'IV'}. PHƯƠNG HƯỚNG, NHIỆM VỤ")
    line(document, _NEXT, italic=True, indent=True)
    signature_block(document, signing, body, [signing.recipient or "Cơ quan cấp trên;"])
    return to_bytes(document)


def _evaluated(document: Document, report: AnnualReportInput, summary: AnnualSummary) -> None:
    heading(document, "I. KẾT QUẢ ĐÁNH GIÁ CÁC XÃ")
    total = "" if summary.total is None else f"Tổng số xã: {summary.total}; "
    line(
        document, f"{total}số xã có kết quả tự đánh giá năm {report.year}: {summary.evaluated}.", indent=True
    )
    rows = [[label, str(count), share_text(count, summary.evaluated)] for label, count in level_rows(summary)]
    table(document, ["Kết quả", "Số xã", "Tỷ lệ"], rows)
    communes = [
        [str(index), assessment.unit_name, level_text(assessment.level), failing_text(assessment, 1)]
        for index, assessment in enumerate(report.communes, start=1)
    ]
    table(document, ["STT", "Xã", "Mức độ đạt", "Chỉ tiêu chưa đạt mức độ 1"], communes)
