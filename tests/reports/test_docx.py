"""The request letter and the self-assessment report, read back with python-docx."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace

import docx
import pytest

from cdht.reports import CommuneDossier, DistrictDossier, Signing, request_letter, self_assessment_report
from cdht.reports.rows import level_names
from cdht.scoring import evaluate, level_line
from tests.scoring.builders import province

from .fixtures import (
    NASTY,
    SIGNING,
    commune_dossier,
    commune_totals_commune,
    district_dossier,
    docx_text,
    level_1_commune,
    troubled_commune,
)

Renderer = Callable[[CommuneDossier | DistrictDossier], bytes]
RENDERERS = {"letter": request_letter, "report": self_assessment_report}
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@pytest.fixture(params=list(RENDERERS))
def render(request: pytest.FixtureRequest) -> Renderer:
    return RENDERERS[request.param]


def test_commune_draft_has_the_administrative_frame(render: Renderer) -> None:
    text = docx_text(render(commune_dossier()))
    for expected in (*MOTTO, "ỦY BAN NHÂN DÂN", "XÃ X01", "DỰ THẢO", "Hòa Bình, ngày 10 tháng 02 năm 2025"):
        assert expected in text
    assert "Thông tư số 25/2023/TT-BGDĐT ngày 27/12/2023" in text
    assert "Kính gửi: Phòng Giáo dục và Đào tạo huyện Kim Sơn." in text or "Đề nghị Phòng Giáo dục" in text
    assert "Nguyễn Thị Lan" in text
    assert "(Ký, ghi rõ họ tên, đóng dấu)" in text
    assert "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" in text


def test_commune_draft_states_unit_year_figures_and_level(render: Renderer) -> None:
    dossier = commune_dossier()
    text = docx_text(render(dossier))
    assert "xã X01" in text and "năm 2024" in text
    assert "- Số công dân đạt danh hiệu “Công dân học tập”: 850/1.000, đạt 85,0%." in text
    assert "- Số công dân qua đào tạo chuyên môn, kỹ thuật: 650/1.000, đạt 65,0%." in text
    assert (
        "- Tổng số công dân: 1.000 (cơ sở tính: toàn bộ công dân; số liệu tổng hợp từ số liệu các thôn)."
        in text
    )
    assert level_line(dossier.assessment) in text
    assert "công nhận xã X01 đạt “Cộng đồng học tập” cấp xã mức độ 2 năm 2024" in text


def test_report_lists_every_indicator_with_its_explanation() -> None:
    dossier = commune_dossier(troubled_commune())
    text = docx_text(self_assessment_report(dossier))
    first, second = (dossier.assessment.levels[key].criteria for key in ("1", "2"))
    for criterion_1, criterion_2 in zip(first, second, strict=True):
        assert f"Tiêu chí {criterion_1.id}. {criterion_1.name}" in text
        for result_1, result_2 in zip(criterion_1.indicators, criterion_2.indicators, strict=True):
            shown = level_names(result_1.name, result_2.name).replace("\n", "; ")
            assert f"- Chỉ tiêu {result_1.id}. {shown}:" in text
            assert result_1.explanation in text
    # The circular words 4.2 with the level's own threshold: both levels' words are given.
    assert (
        "- Chỉ tiêu 4.2. Mức độ 1: Xã đạt chuẩn phổ cập giáo dục tiểu học mức độ 2 theo quy định tại Nghị định "
        "số 20/2014/NĐ-CP; Mức độ 2: Xã đạt chuẩn phổ cập giáo dục tiểu học mức độ 3 theo quy định tại Nghị "
        "định số 20/2014/NĐ-CP: mức độ 1"
    ) in text
    assert "mức độ 1 thiếu minh chứng" in text
    assert "Số minh chứng: 2." in text


def test_a_districts_figures_show_the_documents_stored_under_their_facts() -> None:
    dossier = replace(district_dossier(), evidence_counts={"1.1": 4, "income_per_capita": 2})
    lines = docx_text(self_assessment_report(dossier)).splitlines()
    income = next(line for line in lines if line.startswith("- Chỉ tiêu 4.2."))
    employment = next(line for line in lines if line.startswith("- Chỉ tiêu 4.3."))
    recognised = next(line for line in lines if line.startswith("- Chỉ tiêu 4.1."))
    assert income.endswith("Số minh chứng: 2.")
    assert employment.endswith("Số minh chứng: 0.")  # a figure needs its document: FACTS.md
    assert "Số minh chứng" not in recognised  # computed from the recorded decisions


def test_province_3_5_shows_both_conditions_and_their_documents() -> None:
    dossier = DistrictDossier(evaluate(province()), (), (), {"3.5": 1, "3.5_shared_resources": 2}, SIGNING)
    lines = docx_text(self_assessment_report(dossier)).splitlines()
    assert next(line for line in lines if line.startswith("- Chỉ tiêu 3.5.")).endswith("Số minh chứng: 3.")
    assert "4; Có" in lines  # the value cell: programmes; shared resources


def test_no_level_says_so_and_lists_the_gaps(render: Renderer) -> None:
    text = docx_text(render(commune_dossier(troubled_commune())))
    assert "Kết quả: chưa đạt mức độ 1" in text
    assert "chưa đủ điều kiện đề nghị công nhận" in text
    assert "Các chỉ tiêu chưa đạt mức độ 1:" in text
    for indicator in ("1.2", "2.1", "4.2", "5.1", "5.2"):
        assert f"- {indicator}: " in text
    assert "công nhận xã X03 đạt" not in text


def test_level_1_report_lists_what_blocks_level_2() -> None:
    text = docx_text(self_assessment_report(commune_dossier(level_1_commune())))
    assert "Kết quả: đạt mức độ 1" in text
    assert "Các chỉ tiêu chưa đạt mức độ 2:" in text
    assert "- 5.1: " in text


def test_commune_base_and_source_when_entered_by_the_commune() -> None:
    text = docx_text(request_letter(CommuneDossier(commune_totals_commune())))
    assert (
        "- Tổng số công dân: 2.000 (cơ sở tính: công dân từ 15 tuổi trở lên; số liệu do xã nhập trực tiếp)."
        in text
    )
    assert "1.234/2.000, đạt 61,7%" in text


def test_blanks_when_place_date_signer_and_recipient_are_unknown(render: Renderer) -> None:
    text = docx_text(render(CommuneDossier(level_1_commune())))
    assert "……………, ngày …… tháng …… năm ……" in text
    assert "Số:        /" in text


def test_district_drafts_name_the_communes_and_recognitions(render: Renderer) -> None:
    dossier = district_dossier()
    text = docx_text(render(dossier))
    assert "HUYỆN MỘT" in text and "năm 2024" in text
    assert "3 xã có kết quả tự đánh giá: 1 đạt mức độ 2, 1 đạt mức độ 1, 1 chưa đạt mức độ 1" in text
    assert dossier.assessment.indicator("4.1", 1).explanation in text
    assert "Kết quả: chưa đạt mức độ 1" in text
    assert "“Cộng đồng học tập” cấp huyện" in text


def test_district_report_has_the_recognitions_table() -> None:
    text = docx_text(self_assessment_report(district_dossier()))
    assert "123/QĐ-PGDĐT" in text and "25/03/2025" in text
    assert NASTY[1] in text


def test_custom_issuer_and_parent() -> None:
    signing = Signing(
        issuer="Phòng Giáo dục và Đào tạo huyện Kim Sơn",
        parent_issuer="Ủy ban nhân dân huyện Kim Sơn",
        signer_title="Trưởng phòng",
    )
    text = docx_text(request_letter(replace(district_dossier(), signing=signing)))
    assert "ỦY BAN NHÂN DÂN HUYỆN KIM SƠN\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN KIM SƠN" in text
    assert "Số:        /TTr" in text and "/TTr-UBND" not in text
    assert "TRƯỞNG PHÒNG" in text and "TM. ỦY BAN NHÂN DÂN" not in text


def test_people_text_with_control_characters_does_not_break_the_file() -> None:
    dossier = commune_dossier()
    assessment = replace(dossier.assessment, unit_name="Xã\x00 Hòa\x1b Bình")
    text = docx_text(self_assessment_report(replace(dossier, assessment=assessment)))
    assert "xã Hòa Bình" in text


def test_draft_mark_is_in_the_page_header_and_properties_are_fixed() -> None:
    data = request_letter(commune_dossier())
    document = docx.Document(io.BytesIO(data))
    assert document.sections[0].header.paragraphs[0].text == "DỰ THẢO"
    assert document.core_properties.created is not None
    assert document.core_properties.created.date().isoformat() == "2025-02-10"
    assert document.core_properties.title.startswith("Tờ trình đề nghị công nhận")
    assert SIGNING.place in docx_text(data)


def test_report_has_the_village_table_the_letter_does_not() -> None:
    dossier = commune_dossier()
    report, letter = docx_text(self_assessment_report(dossier)), docx_text(request_letter(dossier))
    assert "Bản Nà Pàn\n250\n212\n162\n40\nĐã hoàn thành" in report
    assert "Bản Nà Pàn" not in letter
