"""District and province scenarios: child recognitions, projections, year-on-year figures, counts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cdht.scoring import Fact, Recognition, Status, evaluate

from .builders import (
    YEAR,
    commune,
    district,
    facts,
    level_2_commune_answers,
    province,
    recognised_commune,
    villages,
)


def test_district_level_2_from_recognitions() -> None:
    communes = [recognised_commune(f"X{i}", 2) for i in range(10)]
    assessment = evaluate(district(communes=communes))
    assert assessment.level == 2
    result = assessment.indicator("4.1", 2)
    assert result.explanation.startswith("4.1: 10/10 xã (100,0%) được công nhận mức độ 2 ≥ 90%")
    assert result.threshold == {"share": 90.0, "level": 2}


def test_ninety_percent_is_enough_and_the_gap_counts_communes() -> None:
    nine = [recognised_commune(f"X{i}", 1) for i in range(9)] + [commune(code="X9")]
    assert evaluate(district(communes=nine)).indicator("4.1", 1).status is Status.PASS
    eight = [recognised_commune(f"X{i}", 1) for i in range(8)] + [commune(code="X8"), commune(code="X9")]
    result = evaluate(district(communes=eight)).indicator("4.1", 1)
    assert result.status is Status.FAIL
    assert "8/10 xã (80,0%) được công nhận mức độ 1 trở lên < 90% — còn thiếu 1 xã" in result.explanation
    assert result.gap == 1


@pytest.mark.parametrize(
    ("recognised_year", "counts"),
    [(YEAR, True), (YEAR - 3, True), (YEAR - 4, False), (YEAR + 1, False)],
)
def test_recognition_validity_window(recognised_year: int, counts: bool) -> None:
    child = recognised_commune("X1", 1, year=recognised_year)
    result = evaluate(district(communes=[child])).indicator("4.1", 1)
    assert result.status is (Status.PASS if counts else Status.FAIL)


def test_best_valid_recognition_per_commune() -> None:
    expired_level_2 = Recognition(level=2, year=YEAR - 4)
    valid_level_1 = Recognition(level=1, year=YEAR - 1)
    child = commune(code="X1", recognitions=[expired_level_2, valid_level_1])
    assessment = evaluate(district(communes=[child]))
    assert assessment.indicator("4.1", 1).status is Status.PASS
    assert assessment.indicator("4.1", 2).status is Status.FAIL


def test_projection_is_reported_but_does_not_decide() -> None:
    unrecognised = [commune(code=f"X{i}") for i in range(4)]
    assessment = evaluate(district(communes=unrecognised))
    result = assessment.indicator("4.1", 1)
    assert result.status is Status.FAIL
    assert result.projection == {"reached": 4, "total": 4, "share": 100.0}
    assert "dự kiến theo kết quả tính toán: 4/4 xã (100,0%) đạt mức độ 1 trở lên" in result.explanation
    assert [child.level for child in assessment.children] == [2, 2, 2, 2]
    assert assessment.children[0].criteria_set_id == "tt25_commune"


def test_projection_counts_computed_levels() -> None:
    weak = commune(level_2_commune_answers(), villages(1000, 700, 650, 160), code="X2")
    assessment = evaluate(district(communes=[recognised_commune("X1", 2), weak]))
    assert assessment.indicator("4.1", 2).projection == {"reached": 1, "total": 2, "share": 50.0}


def test_district_without_communes_is_missing() -> None:
    result = evaluate(district(communes=[])).indicator("4.1", 1)
    assert result.status is Status.MISSING
    assert result.explanation == "4.1: chưa có danh sách xã trực thuộc"


def test_income_rises_on_last_years_stored_figure() -> None:
    result = evaluate(district()).indicator("4.2", 1)
    assert result.status is Status.PASS
    assert result.explanation == "4.2: 52,5 > 48 (số liệu năm 2023 đã lưu) — tăng so với năm trước"
    assert result.value == {"current": 52.5, "previous": 48.0, "previous_source": "previous_year"}


def test_unchanged_employment_rate_fails() -> None:
    unit = district(previous_year=facts(income_per_capita=48.0, employment_rate=91.2))
    result = evaluate(unit).indicator("4.3", 1)
    assert result.status is Status.FAIL
    assert "chưa tăng so với năm trước" in result.explanation


def test_falls_back_to_the_previous_figure_of_this_years_questionnaire() -> None:
    answers = dict(district().facts) | facts(income_per_capita_previous=50.0, employment_rate_previous=92.0)
    result = evaluate(district(answers, previous_year={})).indicator("4.2", 1)
    assert result.status is Status.PASS
    assert "(số liệu năm 2023 khai trong phiếu năm 2024)" in result.explanation
    assert isinstance(result.value, dict)
    assert result.value["previous_source"] == "reported_previous"
    employment = evaluate(district(answers, previous_year={})).indicator("4.3", 1)
    assert employment.status is Status.FAIL


def test_stored_figure_wins_over_the_reported_one() -> None:
    answers = dict(district().facts) | facts(income_per_capita_previous=60.0)
    result = evaluate(district(answers)).indicator("4.2", 1)
    assert result.status is Status.PASS
    assert "đã lưu" in result.explanation


def test_no_previous_figure_is_missing() -> None:
    result = evaluate(district(previous_year={})).indicator("4.2", 1)
    assert result.status is Status.MISSING
    assert result.explanation == "4.2: chưa có số liệu năm 2023 để so sánh"


def test_province_level_2() -> None:
    template = district(communes=[recognised_commune("X1", 2)])
    districts = [
        replace(template, unit_code=f"H{i}", recognitions=[Recognition(2, YEAR - 1)]) for i in range(3)
    ]
    assessment = evaluate(province(children=districts))
    assert assessment.level == 2
    assert len(assessment.children) == 3
    assert assessment.children[0].children[0].tier == "commune"


def test_poverty_must_fall() -> None:
    falls = evaluate(province()).indicator("4.2", 1)
    assert falls.status is Status.PASS
    assert falls.explanation == "4.2: 3,1 < 3,6 (số liệu năm 2023 đã lưu) — giảm so với năm trước"
    rises = evaluate(province(previous_year=facts(poverty_rate=3.0, grdp=110_000.0))).indicator("4.2", 1)
    assert rises.status is Status.FAIL
    assert rises.explanation == "4.2: 3,1 ≥ 3 (số liệu năm 2023 đã lưu) — chưa giảm so với năm trước"


def test_grdp_fallback_and_large_numbers() -> None:
    answers = dict(province().facts) | facts(grdp_previous=100_000)
    result = evaluate(province(answers, previous_year={})).indicator("4.3", 1)
    assert result.explanation.startswith("4.3: 120.500 > 100.000")


def test_museum_needs_four_programmes_and_no_evidence() -> None:
    assert evaluate(province()).indicator("3.4", 2).status is Status.PASS
    answers = dict(province().facts) | {"3.4": Fact(3)}
    result = evaluate(province(answers)).indicator("3.4", 1)
    assert result.status is Status.FAIL
    assert result.explanation == "3.4: 3 chương trình < 4 — còn thiếu 1 chương trình"
    assert result.gap == 1


def test_province_without_district_tier_reports_it() -> None:
    assessment = evaluate(province(children=[recognised_commune("X1", 2)]))
    result = assessment.indicator("4.1", 1)
    assert result.status is Status.MISSING
    assert "không có cấp huyện trực thuộc (đơn vị cấp dưới là cấp xã)" in result.explanation
    assert [child.tier for child in assessment.children] == ["commune"]


def test_village_tier_is_not_assessed() -> None:
    with pytest.raises(ValueError, match="village"):
        evaluate(villages(10, 1, 1, 1)[0])
