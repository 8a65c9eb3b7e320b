"""A district's yearly report as a workbook: level counts, communes, indicators failed, recognitions."""

from __future__ import annotations

from cdht.reports.annual_stats import SUBJECT, level_rows, summarise
from cdht.reports.inputs import AnnualReportInput
from cdht.reports.labels import document_date, level_text
from cdht.reports.rows import failing_text
from cdht.reports.xlsx.base import Sheet, workbook


def annual_report_workbook(report: AnnualReportInput) -> bytes:
    subject = SUBJECT.format(year=report.year)
    summary = summarise(report)
    with workbook(document_date(report.year, report.signing.signed_on), subject) as (add_sheet, buffer):
        sheet = add_sheet("Tổng hợp")
        sheet.title(0, 2, subject.upper())
        sheet.title(1, 2, report.unit_name, "subtitle")
        sheet.header(3, ["Kết quả", "Số xã", "Tỷ lệ"], [34, 12, 12])
        rows = [("Tổng số xã", summary.total), ("Số xã có kết quả tự đánh giá", summary.evaluated)]
        for row, (label, count) in enumerate([*rows, *level_rows(summary)], start=4):
            sheet.text(row, 0, label)
            if count is None:
                sheet.text(row, 1, "")
            else:
                sheet.number(row, 1, count)
            if row >= 6 and summary.evaluated:
                sheet.number(row, 2, (count or 0) * 1000 // summary.evaluated / 1000, "percent")
        _communes(add_sheet("Kết quả các xã"), report)
        _failed(add_sheet("Chỉ tiêu chưa đạt"), report)
        _recognitions(add_sheet("Công nhận trong năm"), report)
    return buffer.getvalue()


def _communes(sheet: Sheet, report: AnnualReportInput) -> None:
    headers = [
        "STT",
        "Mã",
        "Tên xã",
        "Mức độ đạt",
        "Chỉ tiêu chưa đạt mức độ 1",
        "Chỉ tiêu chưa đạt mức độ 2",
    ]
    sheet.header(0, headers, [6, 12, 28, 18, 45, 45])
    for row, assessment in enumerate(report.communes, start=1):
        sheet.number(row, 0, row)
        sheet.text(row, 1, assessment.unit_code)
        sheet.text(row, 2, assessment.unit_name)
        sheet.text(row, 3, level_text(assessment.level))
        sheet.text(row, 4, failing_text(assessment, 1))
        sheet.text(row, 5, failing_text(assessment, 2))


def _failed(sheet: Sheet, report: AnnualReportInput) -> None:
    headers = [
        "Chỉ tiêu",
        "Nội dung",
        "Chưa đạt mức độ 1",
        "Không đạt",
        "Thiếu số liệu",
        "Thiếu minh chứng",
        "Chưa đạt mức độ 2",
    ]
    sheet.header(0, headers, [9, 60, 14, 12, 12, 14, 14])
    for row, item in enumerate(summarise(report).failed, start=1):
        sheet.text(row, 0, item.id, "bold")
        sheet.text(row, 1, item.name)
        counts = (item.not_passed_1, item.failed_1, item.missing_1, item.no_evidence_1, item.not_passed_2)
        for col, count in enumerate(counts, start=2):
            sheet.number(row, col, count)


def _recognitions(sheet: Sheet, report: AnnualReportInput) -> None:
    headers = [
        "STT",
        "Mã",
        "Đơn vị",
        "Mức độ",
        "Năm đánh giá",
        "Số quyết định",
        "Ngày quyết định",
        "Cơ quan quyết định",
    ]
    sheet.header(0, headers, [6, 12, 28, 12, 12, 20, 14, 30])
    for row, record in enumerate(report.recognitions, start=1):
        sheet.number(row, 0, row)
        sheet.text(row, 1, record.unit_code)
        sheet.text(row, 2, record.unit_name)
        sheet.text(row, 3, level_text(record.level))
        sheet.number(row, 4, record.year, "year")
        sheet.text(row, 5, record.decision_number)
        if record.decided_on is None:
            sheet.text(row, 6, "")
        else:
            sheet.date(row, 6, record.decided_on)
        sheet.text(row, 7, record.body)
