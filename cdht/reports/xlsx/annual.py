"""A district's yearly report as a workbook: level counts, communes with their dossiers' stages, indicators
failed, recognitions, learning models, difficulties raised and their answers."""

from __future__ import annotations

from cdht.reports.annual_stats import (
    NO_DOSSIER,
    NOT_ANSWERED,
    NOT_RECOGNISED,
    SUBJECT,
    level_rows,
    recognition_texts,
    summarise,
)
from cdht.reports.inputs import AnnualReportInput
from cdht.reports.labels import document_date, level_text
from cdht.reports.rows import failing_text
from cdht.reports.xlsx.base import Sheet, workbook
from cdht.scoring.learning_models import combine


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
        _learning_models(add_sheet("Mô hình học tập"), report)
        _difficulties(add_sheet("Vướng mắc"), report)
    return buffer.getvalue()


def _communes(sheet: Sheet, report: AnnualReportInput) -> None:
    headers = [
        "STT",
        "Mã",
        "Tên xã",
        "Mức độ đạt",
        "Chỉ tiêu chưa đạt mức độ 1",
        "Chỉ tiêu chưa đạt mức độ 2",
        "Hồ sơ đề nghị công nhận",
        "Công nhận",
    ]
    sheet.header(0, headers, [6, 12, 28, 18, 45, 45, 26, 40])
    decided = recognition_texts(report.recognitions, report.year)
    for row, assessment in enumerate(report.communes, start=1):
        sheet.number(row, 0, row)
        sheet.text(row, 1, assessment.unit_code)
        sheet.text(row, 2, assessment.unit_name)
        sheet.text(row, 3, level_text(assessment.level))
        sheet.text(row, 4, failing_text(assessment, 1))
        sheet.text(row, 5, failing_text(assessment, 2))
        sheet.text(row, 6, report.stages.get(assessment.unit_code, NO_DOSSIER))
        sheet.text(row, 7, decided.get(assessment.unit_code, NOT_RECOGNISED))


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


def _learning_models(sheet: Sheet, report: AnnualReportInput) -> None:
    """Per commune and in total: each model evaluated and recognised (blank: not given)."""
    tallied = [
        (assessment.unit_code, assessment.unit_name, report.learning_models[assessment.unit_code])
        for assessment in report.communes
        if assessment.unit_code in report.learning_models
    ]
    total = combine(models for _, _, models in tallied)
    headers = ["Mã", "Tên xã"]
    for name, _ in total.rows():
        headers += [f"{name}: đánh giá", f"{name}: công nhận"]
    sheet.header(0, [*headers, "Số thôn đã báo cáo đủ", "Số thôn"], [12, 28, *[14] * 8, 14, 10])
    for row, (code, name, models) in enumerate([*tallied, ("", "Tổng cộng", total)], start=1):
        sheet.text(row, 0, code)
        sheet.text(row, 1, name, "bold" if not code else "text")
        for col, count in enumerate(
            (n for _, pair in models.rows() for n in (pair.evaluated, pair.recognised)), start=2
        ):
            if count is None:
                sheet.text(row, col, "")
            else:
                sheet.number(row, col, count)
        sheet.number(row, 10, models.villages_reporting)
        sheet.number(row, 11, models.villages_total)


def _difficulties(sheet: Sheet, report: AnnualReportInput) -> None:
    headers = [
        "Số",
        "Xã",
        "Nơi nêu",
        "Người nêu",
        "Ngày nêu",
        "Nội dung",
        "Trả lời",
        "Người trả lời",
        "Ngày trả lời",
    ]
    sheet.header(0, headers, [6, 24, 24, 24, 12, 60, 60, 24, 12])
    for row, item in enumerate(report.difficulties, start=1):
        sheet.number(row, 0, item.id)
        for col, value in enumerate((item.group, item.unit_name, item.raised_by), start=1):
            sheet.text(row, col, value)
        sheet.date(row, 4, item.raised_on)
        sheet.text(row, 5, item.text)
        sheet.text(row, 6, NOT_ANSWERED if item.answer is None else item.answer)
        sheet.text(row, 7, item.answered_by)
        if item.answered_on is None:
            sheet.text(row, 8, "")
        else:
            sheet.date(row, 8, item.answered_on)
