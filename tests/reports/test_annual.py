"""The district's yearly report: counts, indicators most often failed, recognitions (DOCX and XLSX)."""

from __future__ import annotations

from dataclasses import replace

from cdht.reports import annual_report_document, annual_report_workbook
from cdht.reports.annual_stats import summarise

from .fixtures import NASTY, annual_input, docx_text, open_workbook


def test_summary_counts_levels_and_failures() -> None:
    summary = summarise(annual_input())
    assert (summary.evaluated, summary.total) == (3, 5)
    assert (summary.level_2, summary.level_1, summary.not_reached) == (1, 1, 1)
    by_id = {item.id: item for item in summary.failed}
    assert [item.id for item in summary.failed][:1] == ["5.1"]  # 1 commune at level 1, 2 at level 2
    assert (by_id["5.1"].not_passed_1, by_id["5.1"].not_passed_2, by_id["5.1"].missing_1) == (1, 2, 1)
    assert (by_id["2.1"].failed_1, by_id["1.2"].no_evidence_1, by_id["4.2"].missing_1) == (1, 1, 1)
    assert "1.1" not in by_id


def test_summary_of_nothing() -> None:
    summary = summarise(replace(annual_input(), communes=(), communes_total=None))
    assert (summary.evaluated, summary.level_2, summary.failed) == (0, 0, ())


def test_document_reports_counts_failures_and_recognitions() -> None:
    text = docx_text(annual_report_document(annual_input()))
    assert "Kết quả đánh giá, công nhận “Cộng đồng học tập” cấp xã năm 2024" in text
    assert "Tổng số xã: 5; số xã có kết quả tự đánh giá năm 2024: 3." in text
    assert "Đạt mức độ 2\n1\n33,3%" in text
    assert "II. CÁC CHỈ TIÊU CÓ NHIỀU XÃ CHƯA ĐẠT" in text
    assert "123/QĐ-PGDĐT" in text and NASTY[1] in text
    assert "IV. KẾT QUẢ TỰ ĐÁNH GIÁ CỦA HUYỆN MỘT" in text
    assert "DỰ THẢO" in text and "Độc lập - Tự do - Hạnh phúc" in text


def test_document_without_recognitions_or_district() -> None:
    text = docx_text(annual_report_document(replace(annual_input(), recognitions=(), district=None)))
    assert "Chưa có quyết định công nhận nào trong năm." in text
    assert "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ" in text


def test_workbook_sheets() -> None:
    book = open_workbook(annual_report_workbook(annual_input()))
    assert book.sheetnames == ["Tổng hợp", "Kết quả các xã", "Chỉ tiêu chưa đạt", "Công nhận trong năm"]
    totals = {row[0]: row[1:] for row in book["Tổng hợp"].iter_rows(min_row=5, values_only=True)}
    assert totals["Tổng số xã"][0] == 5
    assert totals["Đạt mức độ 2"] == (1, 0.333)
    communes = list(book["Kết quả các xã"].iter_rows(min_row=2, values_only=True))
    assert [row[2:4] for row in communes] == [
        ("Xã X01", "mức độ 2"),
        ("Xã X02", "mức độ 1"),
        ("Xã X03", "chưa đạt mức độ 1"),
    ]
    failed = list(book["Chỉ tiêu chưa đạt"].iter_rows(min_row=2, values_only=True))
    assert failed[0][0] == "5.1" and failed[0][2:] == (1, 0, 1, 0, 2)
    recognitions = list(book["Công nhận trong năm"].iter_rows(min_row=2, values_only=True))
    assert recognitions[0][5] == "123/QĐ-PGDĐT"
    assert recognitions[0][6].date().isoformat() == "2025-03-25"
    assert recognitions[1][5] == NASTY[1] and recognitions[1][6] is None
