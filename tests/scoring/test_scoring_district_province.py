"""District and province scenarios: child recognitions, projections, year-on-year figures, counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from cdht.scoring import Fact, Recognition, Status, UnitFacts, evaluate
from cdht.scoring.facts import RecognitionValidity

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


@pytest.mark.parametrize(
    ("evaluated", "decided_on", "reading", "counts"),
    [
        (2026, date(2023, 3, 20), "assessed_year", False),  # 2022 + 3 = 2025
        (2026, date(2023, 3, 20), "decision_year", True),  # 2023 + 3 = 2026
        (2027, date(2023, 3, 20), "decision_year", False),
        (2025, date(2023, 3, 20), "assessed_year", True),
        (2021, date(2023, 3, 20), "decision_year", False),  # never before the year assessed
        (2026, None, "decision_year", False),  # no decision date: the assessed year's reading
    ],
)
def test_the_recognition_year_is_read_as_the_facts_say(
    evaluated: int, decided_on: date | None, reading: RecognitionValidity, counts: bool
) -> None:
    """«bảo lưu trong thời hạn 3 năm (36 tháng) tiếp theo năm được công nhận»: from the assessed year (2022) or
    from the decision's year (2023), as chosen in settings and carried by the facts."""
    child = commune(code="X1", recognitions=[Recognition(1, 2022, "QĐ X1", decided_on)])
    unit = replace(district(communes=[child]), year=evaluated, recognition_validity=reading)
    result = evaluate(unit).indicator("4.1", 1)
    assert result.status is (Status.PASS if counts else Status.FAIL)
    assert ("1/1 xã" if counts else "0/1 xã") in result.explanation


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


def test_museum_needs_four_programmes() -> None:
    assert evaluate(province()).indicator("3.4", 2).status is Status.PASS
    answers = dict(province().facts) | {"3.4": Fact(3, 1)}
    result = evaluate(province(answers)).indicator("3.4", 1)
    assert result.status is Status.FAIL
    assert result.explanation == "3.4: 3 chương trình < 4 — còn thiếu 1 chương trình"
    assert result.gap == 1


@pytest.mark.parametrize(
    ("make", "indicator_id", "key"),
    [
        (district, "4.2", "income_per_capita"),
        (district, "4.3", "employment_rate"),
        (province, "4.2", "poverty_rate"),
        (province, "4.3", "grdp"),
        (province, "3.4", "3.4"),
        (province, "3.5", "3.5"),
    ],
)
def test_a_figure_that_would_pass_needs_its_document(
    make: Callable[..., UnitFacts], indicator_id: str, key: str
) -> None:
    with_document = evaluate(make())
    assert with_document.indicator(indicator_id, 1).status is Status.PASS
    answers = dict(make().facts)
    answers[key] = Fact(answers[key].value, 0)
    assessment = evaluate(make(answers))
    result = assessment.indicator(indicator_id, 1)
    assert result.status is Status.NO_EVIDENCE
    assert "nhưng chưa có minh chứng" in result.explanation
    assert result.explanation.endswith("— chưa được tính là đạt")
    assert result.distance == 0.0
    assert assessment.level == 0


def test_last_years_figure_needs_no_document_of_its_own() -> None:
    answers = dict(district().facts) | facts(income_per_capita_previous=50.0)
    result = evaluate(district(answers, previous_year={})).indicator("4.2", 1)
    assert result.status is Status.PASS


def _radio_tv(programmes: Fact | None, shared: Fact | None) -> UnitFacts:
    answers = {key: fact for key, fact in province().facts.items() if not key.startswith("3.5")}
    answers |= {key: fact for key, fact in (("3.5", programmes), ("3.5_shared_resources", shared)) if fact}
    return province(answers)


def test_radio_and_television_need_programmes_and_shared_learning_resources() -> None:
    both = evaluate(_radio_tv(Fact(5, 1), Fact(True, 1))).indicator("3.5", 2)
    assert both.status is Status.PASS
    assert both.value == {"programmes": 5, "shared_resources": True}
    assert both.threshold == {"programmes": 4, "shared_resources": True}
    assert both.explanation == (
        "3.5: triển khai tối thiểu 04 chương trình giáo dục trong năm: 5 chương trình ≥ 4; "
        "tham gia xây dựng nguồn tài nguyên số dùng chung, nguồn học liệu mở trên mạng: đạt (1 minh chứng)"
    )

    programmes_only = evaluate(_radio_tv(Fact(5, 1), None))
    assert programmes_only.indicator("3.5", 1).status is Status.MISSING
    assert "chưa có câu trả lời" in programmes_only.indicator("3.5", 1).explanation
    assert programmes_only.level == 0

    no_resources = evaluate(_radio_tv(Fact(5, 1), Fact(False, 0))).indicator("3.5", 1)
    assert no_resources.status is Status.FAIL
    assert "chưa đạt (trả lời: không)" in no_resources.explanation

    few = evaluate(_radio_tv(Fact(3, 1), Fact(True, 1))).indicator("3.5", 1)
    assert few.status is Status.FAIL
    assert few.gap == 1
    assert "3 chương trình < 4 — còn thiếu 1 chương trình" in few.explanation


def test_each_condition_of_3_5_needs_its_own_document() -> None:
    result = evaluate(_radio_tv(Fact(5, 1), Fact(True, 0))).indicator("3.5", 1)
    assert result.status is Status.NO_EVIDENCE
    assert result.explanation.endswith(
        "nhưng chưa có minh chứng về tham gia xây dựng nguồn tài nguyên số dùng chung, nguồn học liệu mở "
        "trên mạng — chưa được tính là đạt"
    )
    assert "04 chương trình" not in result.explanation.split("nhưng")[1]


def test_recognised_communes_need_no_document_beyond_the_decisions() -> None:
    communes = [recognised_commune(f"X{i}", 1) for i in range(10)]
    assert evaluate(district(communes=communes)).indicator("4.1", 1).status is Status.PASS


def test_province_without_district_tier_reports_it() -> None:
    assessment = evaluate(province(children=[recognised_commune("X1", 2)]))
    result = assessment.indicator("4.1", 1)
    assert result.status is Status.MISSING
    assert "không có cấp huyện trực thuộc (đơn vị cấp dưới là cấp xã)" in result.explanation
    assert [child.tier for child in assessment.children] == ["commune"]


def test_village_tier_is_not_assessed() -> None:
    with pytest.raises(ValueError, match="village"):
        evaluate(villages(10, 1, 1, 1)[0])
