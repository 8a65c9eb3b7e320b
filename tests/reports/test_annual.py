"""The district's yearly report, made in May: who reports to whom, counts, indicators most often failed,
recognitions, each commune's stage, learning models, the difficulties raised and their answers (DOCX and
XLSX)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import docx

from cdht.reports import Signing, annual_report_document, annual_report_workbook
from cdht.reports.annual_stats import report_date, summarise
from cdht.scoring.learning_models import combine
from tests.scoring.builders import YEAR

from .fixtures import (
    DIFFICULTIES,
    LEARNING_MODELS,
    NASTY,
    annual_input,
    docx_text,
    may_report_input,
    open_workbook,
)


def parts(data: bytes) -> tuple[str, str, str, str]:
    """(issuer's header, whole text, «Nơi nhận» cell, signer's cell) of a DOCX read back."""
    document = docx.Document(io.BytesIO(data))
    header, signature = document.tables[0], document.tables[-1]
    received, signer = (cell.text for cell in signature.rows[0].cells)
    return header.rows[0].cells[0].text, docx_text(data), received, signer


def test_the_may_report_goes_from_the_education_office_to_sở_and_the_district() -> None:
    header, text, received, signer = parts(annual_report_document(may_report_input()))
    assert header.splitlines()[:2] == ["ỦY BAN NHÂN DÂN HUYỆN KIM SƠN", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"]
    assert "/BC-PGDĐT" in header
    assert received.splitlines() == [
        "Nơi nhận:",
        "- Sở Giáo dục và Đào tạo;",
        "- Ủy ban nhân dân huyện Kim Sơn;",
        "- Lưu: VT.",
    ]
    assert signer.startswith("TRƯỞNG PHÒNG") and "TM. ỦY BAN NHÂN DÂN" not in text
    assert "Cơ quan cấp trên" not in text
    assert (
        "Phòng Giáo dục và Đào tạo huyện Kim Sơn báo cáo Sở Giáo dục và Đào tạo và Ủy ban nhân dân huyện Kim Sơn"
        " kết quả đánh giá, công nhận “Cộng đồng học tập” cấp xã năm 2024" in text
    )


def test_configured_recipients_change_the_list_and_a_body_signs_for_itself() -> None:
    sent_to = (
        "Ủy ban nhân dân tỉnh Ninh Bình",
        "Sở Giáo dục và Đào tạo tỉnh Ninh Bình",
        "Hội Khuyến học huyện",
    )
    report = replace(may_report_input(), recipients=sent_to)
    _, text, received, _ = parts(annual_report_document(report))
    assert received.splitlines()[1:-1] == [f"- {name};" for name in sent_to]
    assert "Ủy ban nhân dân huyện Kim Sơn;" not in received
    assert (
        "báo cáo Ủy ban nhân dân tỉnh Ninh Bình, Sở Giáo dục và Đào tạo tỉnh Ninh Bình và Hội Khuyến học"
        in text
    )
    committee = Signing(issuer="Ủy ban nhân dân huyện Kim Sơn", signer_title="Chủ tịch")
    header, text, _, signer = parts(annual_report_document(replace(report, signing=committee)))
    assert signer.startswith("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH") and "PHÒNG GIÁO DỤC" not in header


def test_each_commune_with_its_stage_and_recognition() -> None:
    report = may_report_input()
    document = docx.Document(io.BytesIO(annual_report_document(report)))
    [communes] = [
        t for t in document.tables if t.rows[0].cells[0].text == "STT" and t.rows[0].cells[3].text == "Hồ sơ"
    ]
    rows = {row.cells[1].text: [cell.text for cell in row.cells] for row in communes.rows[1:]}
    assert set(rows) == {assessment.unit_name for assessment in report.communes}
    for assessment in report.communes:
        stage = report.stages.get(assessment.unit_code, "chưa gửi hồ sơ")
        assert rows[assessment.unit_name][3] == stage[0].upper() + stage[1:]
    recognised = {r.unit_name: r for r in report.recognitions if r.year == report.year}
    for name, row in rows.items():
        if name in recognised:
            assert row[4].startswith(f"Mức độ {recognised[name].level}")
            assert recognised[name].decision_number in row[4]
        else:
            assert row[4] == "Chưa công nhận"
    text = docx_text(annual_report_document(report))
    assert "chưa gửi hồ sơ: 1 xã" in text and "hội đồng đang thẩm định: 1 xã" in text


def test_learning_models_per_commune_and_the_district_total() -> None:
    document = docx.Document(io.BytesIO(annual_report_document(may_report_input())))
    [models] = [t for t in document.tables if t.rows[0].cells[1].text == "Đơn vị học tập"]
    rows = {row.cells[0].text: [cell.text for cell in row.cells[1:]] for row in models.rows[1:]}
    total = combine(LEARNING_MODELS.values())
    expected = [f"{count.evaluated} / {count.recognised}" for _, count in total.rows()]
    assert rows["Tổng cộng"][:4] == expected
    assert rows["Tổng cộng"][4] == f"{total.villages_reporting}/{total.villages_total}"
    assert rows["Xã X01"][1] == "{} / {}".format(
        LEARNING_MODELS["X01"].families.evaluated, LEARNING_MODELS["X01"].families.recognised
    )
    text = docx_text(annual_report_document(may_report_input()))
    assert (
        f"- Gia đình học tập: đánh giá {total.families.evaluated}, công nhận {total.families.recognised}."
        in text
    )
    bare = docx_text(annual_report_document(replace(may_report_input(), learning_models={})))
    assert "Chưa có số liệu về các mô hình học tập của các xã." in bare


def test_difficulties_with_their_answers_and_the_open_ones() -> None:
    text = docx_text(annual_report_document(may_report_input()))
    answered = [item for item in DIFFICULTIES if item.answer is not None]
    assert (
        f"nêu {len(DIFFICULTIES)} vướng mắc qua hệ thống; đã trả lời {len(answered)}, chưa trả lời {len(DIFFICULTIES) - len(answered)}."
        in text
    )
    first = answered[0]
    assert f"- Ngày {first.raised_on:%d/%m/%Y}, {first.raised_by}, {first.unit_name}: {first.text}" in text
    assert f"Trả lời ({first.answered_by}, ngày {first.answered_on:%d/%m/%Y}): {first.answer}" in text
    open_one = next(item for item in DIFFICULTIES if item.answer is None and item.group == "Xã X03")
    after = text.split(open_one.text, 1)[1]
    assert after.lstrip("\n").startswith("Trả lời: chưa trả lời.")  # the literal text, not a formula
    assert "1. Xã X01 (2 vướng mắc, đã trả lời 1)" in text and "2. Xã X03 (1 vướng mắc, đã trả lời 0)" in text
    assert "Từ ngày 01/07/2024 đến ngày 20/05/2025" in text
    none = docx_text(annual_report_document(replace(may_report_input(), difficulties=())))
    assert "không có vướng mắc nào được nêu qua hệ thống" in none


def test_the_report_is_dated_in_may_of_the_next_year() -> None:
    assert report_date(YEAR, date(YEAR + 1, 4, 30)) is None
    assert report_date(YEAR, date(YEAR + 1, 5, 12)) == date(YEAR + 1, 5, 12)
    undated = replace(may_report_input(), signing=Signing(place="Kim Sơn"))
    header = docx.Document(io.BytesIO(annual_report_document(undated))).tables[0].rows[0].cells[1].text
    assert f"Kim Sơn, ngày …… tháng 5 năm {YEAR + 1}" in header


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
    assert "VI. KẾT QUẢ TỰ ĐÁNH GIÁ CỦA HUYỆN MỘT" in text
    assert "DỰ THẢO" in text and "Độc lập - Tự do - Hạnh phúc" in text


def test_document_without_recognitions_or_district() -> None:
    text = docx_text(annual_report_document(replace(annual_input(), recognitions=(), district=None)))
    assert "Chưa có quyết định công nhận nào trong năm." in text
    assert "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ" in text


def test_workbook_sheets() -> None:
    book = open_workbook(annual_report_workbook(annual_input()))
    assert book.sheetnames == [
        "Tổng hợp",
        "Kết quả các xã",
        "Chỉ tiêu chưa đạt",
        "Công nhận trong năm",
        "Mô hình học tập",
        "Vướng mắc",
    ]
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


def test_workbook_of_the_may_report() -> None:
    report = may_report_input()
    book = open_workbook(annual_report_workbook(report))
    communes = {row[1]: row for row in book["Kết quả các xã"].iter_rows(min_row=2, values_only=True)}
    assert communes["X02"][6] == report.stages["X02"] and communes["X03"][6] == "chưa gửi hồ sơ"
    assert communes["X01"][7].startswith("Mức độ 2 (Quyết định số 123/QĐ-PGDĐT")
    models = list(book["Mô hình học tập"].iter_rows(min_row=2, values_only=True))
    total = combine(LEARNING_MODELS.values())
    assert models[-1][1] == "Tổng cộng"
    assert models[-1][2:] == (
        *(n for _, pair in total.rows() for n in (pair.evaluated, pair.recognised)),
        total.villages_reporting,
        total.villages_total,
    )
    asked = list(book["Vướng mắc"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in asked] == [item.id for item in DIFFICULTIES]
    assert [row[6] for row in asked] == [item.answer or "chưa trả lời" for item in DIFFICULTIES]
    assert asked[-1][5] == NASTY[0]  # kept as text, never a formula
