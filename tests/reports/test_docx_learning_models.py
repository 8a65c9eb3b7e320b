"""The self-assessment report's learning-model section: a table of each model evaluated and recognised."""

from __future__ import annotations

import io
from dataclasses import replace

import docx

from cdht.reports import self_assessment_report
from cdht.scoring.learning_models import LearningModels, ModelCount, combine
from tests.reports.fixtures import commune_dossier, district_dossier

MODELS = LearningModels(
    ModelCount(12, 10), ModelCount(1250, 1100), ModelCount(None, 4), ModelCount(5, 3), 3, 4
)


def model_table(data: bytes) -> dict[str, tuple[str, str]] | None:
    document = docx.Document(io.BytesIO(data))
    for grid in document.tables:
        if grid.rows[0].cells[0].text == "Mô hình học tập":
            assert [c.text for c in grid.rows[0].cells] == [
                "Mô hình học tập",
                "Số được đánh giá",
                "Số được công nhận",
            ]
            return {row.cells[0].text: (row.cells[1].text, row.cells[2].text) for row in grid.rows[1:]}
    return None


def test_the_table_gives_each_model_and_says_what_is_missing() -> None:
    data = self_assessment_report(replace(commune_dossier(), learning_models=MODELS))
    assert model_table(data) == {
        "Đơn vị học tập": ("12", "10"),
        "Gia đình học tập": ("1.250", "1.100"),
        "Dòng họ học tập": ("chưa có số liệu", "4"),
        "Cộng đồng học tập cấp thôn": ("5", "3"),
    }
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "3/4 thôn" in text and "còn 1 thôn chưa báo cáo đủ" in text
    assert "V. KẾT LUẬN" in text and "VI. KIẾN NGHỊ, ĐỀ XUẤT" in text


def test_without_a_tally_the_section_is_left_out_and_the_numbering_closes_up() -> None:
    data = self_assessment_report(commune_dossier())
    assert model_table(data) is None
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "IV. KẾT LUẬN" in text and "V. KIẾN NGHỊ, ĐỀ XUẤT" in text and "MÔ HÌNH HỌC TẬP" not in text


def test_a_districts_report_gives_the_communes_total() -> None:
    total = combine([MODELS, MODELS])
    data = self_assessment_report(replace(district_dossier(), learning_models=total))
    table = model_table(data)
    assert table is not None
    assert table["Gia đình học tập"] == ("2.500", "2.200")
    assert table["Dòng họ học tập"] == ("chưa có số liệu", "8")
    assert "tổng hợp từ các xã" in "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
