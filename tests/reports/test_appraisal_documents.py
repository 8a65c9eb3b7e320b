"""The council's documents name the right council, article and signer for the tier appraised: the
«Hội đồng đánh giá cấp huyện» and the head of Phòng GD&ĐT for a commune (Điều 9.2), the «Hội đồng đánh giá
cấp tỉnh» and the director of Sở GD&ĐT for a district (Điều 14.2)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import docx
import pytest

from cdht.reports.docx.appraisal import (
    Appraisal,
    CriterionVerdict,
    appraisal_report,
    draft_decision,
    refusal_letter,
)


def _appraisal(office: str, tier: str, passed: bool) -> Appraisal:
    verdicts = tuple(
        CriterionVerdict(str(n), f"Tiêu chí {n}", True, 4 if passed else 1, 1 if passed else 4, (), passed)
        for n in range(1, 5)
    )
    return Appraisal(
        unit_name="Huyện Sơn Hà" if tier == "district" else "Xã An Bình",
        tier=tier,
        year=2025,
        level=1,
        office=office,
        parent_issuer="Ủy ban nhân dân tỉnh Quảng Ngãi"
        if tier == "district"
        else "Ủy ban nhân dân huyện Sơn Hà",
        place="Quảng Ngãi",
        signed_on=date(2026, 3, 20),
        members=(("Nguyễn Văn Chủ", "chair"), ("Trần Thị Thư", "secretary"), ("Lê Văn Một", "member")),
        criteria=verdicts,
        passed=passed,
        dossier_sent_on=date(2026, 2, 20),
    )


def test_the_draft_decision_says_to_which_year_the_recognition_is_kept() -> None:
    """The circular's sentence, then the year it gives under the reading chosen in settings (outcome.appraisal_of)."""
    kept = "Kết quả công nhận được bảo lưu trong thời hạn 3 năm (36 tháng) tiếp theo năm được công nhận"
    appraisal = _appraisal("Phòng Giáo dục và Đào tạo", "commune", True)
    assert f"{kept}." in _text(draft_decision(appraisal))
    assert f"{kept} (đến hết năm 2029)." in _text(draft_decision(replace(appraisal, valid_through=2029)))


def _text(document: bytes) -> str:
    opened = docx.Document(io.BytesIO(document))
    cells = [cell.text for table in opened.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in opened.paragraphs] + cells)


@pytest.mark.parametrize(
    ("office", "tier", "council", "head", "article", "other_council"),
    [
        (
            "Phòng Giáo dục và Đào tạo",
            "commune",
            "Hội đồng đánh giá cấp huyện",
            "Trưởng phòng Giáo dục và Đào tạo",
            "Điều 9",
            "cấp tỉnh",
        ),
        (
            "Sở Giáo dục và Đào tạo",
            "district",
            "Hội đồng đánh giá cấp tỉnh",
            "Giám đốc Sở Giáo dục và Đào tạo",
            "Điều 14",
            "cấp huyện",
        ),
    ],
)
def test_the_council_the_article_and_the_signer_follow_the_office(
    office: str, tier: str, council: str, head: str, article: str, other_council: str
) -> None:
    report = _text(appraisal_report(_appraisal(office, tier, passed=True)))
    decision = _text(draft_decision(_appraisal(office, tier, passed=True)))
    letter = _text(refusal_letter(_appraisal(office, tier, passed=False)))
    assert council in report and article in report and head in report
    assert council in decision and head.upper() in decision.upper()
    assert council in letter
    for text in (report, decision, letter):
        assert f"Hội đồng đánh giá {other_council}" not in text
        assert "Trưởng phòng Phòng" not in text and "TRƯỞNG PHÒNG PHÒNG" not in text
