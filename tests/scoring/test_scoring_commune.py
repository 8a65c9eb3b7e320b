"""Commune scenarios: levels reached, evidence, village sums, gaps."""

from __future__ import annotations

from dataclasses import replace
from importlib import resources

from cdht.scoring import Fact, Status, evaluate, gaps, parse_criteria_set

from .builders import commune, facts, level_2_commune_answers, village, villages


def _with(**changes: Fact) -> dict[str, Fact]:
    return level_2_commune_answers() | changes


def test_level_2_when_everything_is_met() -> None:
    assessment = evaluate(commune())
    assert assessment.level == 2
    assert assessment.levels["1"].passed and assessment.levels["2"].passed
    assert assessment.criteria_set_id == "tt25_commune"
    assert gaps(assessment) == []


def test_level_1_only_because_5_1_is_70_percent() -> None:
    assessment = evaluate(commune(children=villages(1000, 700, 650, 160)))
    assert assessment.level == 1
    at_2 = assessment.indicator("5.1", 2)
    assert at_2.status is Status.FAIL
    assert at_2.explanation.startswith("5.1: 70,0% < 80% — còn thiếu 100 công dân")
    assert assessment.indicator("5.1", 1).explanation.startswith("5.1: 70,0% ≥ 60%")
    blockers = gaps(assessment)
    assert [gap.indicator_id for gap in blockers] == ["5.1"]
    assert blockers[0].level == 2


def test_no_level_because_primary_universalisation_is_level_1() -> None:
    assessment = evaluate(commune(_with(**{"4.2": Fact(1, 1)})))
    assert assessment.level == 0
    result = assessment.indicator("4.2", 1)
    assert result.status is Status.FAIL
    assert result.explanation == "4.2: mức 1 < mức 2 — còn thiếu 1 mức"
    assert result.gap == 1
    assert not assessment.levels["1"].criteria[3].passed


def test_difficult_area_lowers_5_2_thresholds() -> None:
    counts = villages(1000, 850, 450, 110)
    difficult = evaluate(commune(_with(difficult_area=Fact(True, 1)), counts))
    assert difficult.indicator("5.2", 1).status is Status.PASS
    assert difficult.indicator("5.2", 1).threshold == {"trained": 40.0, "university": 10.0}
    assert "áp dụng ngưỡng xã thuộc vùng khó khăn" in difficult.indicator("5.2", 1).explanation
    assert difficult.indicator("5.2", 2).status is Status.FAIL
    assert difficult.level == 1

    normal = evaluate(commune(_with(difficult_area=Fact(False)), counts))
    result = normal.indicator("5.2", 1)
    assert result.status is Status.FAIL
    assert result.threshold == {"trained": 50.0, "university": 12.0}
    assert result.gap == {"trained": 50, "university": 10}
    assert "qua đào tạo 45,0% < 50% — còn thiếu 50 công dân" in result.explanation
    assert "đại học trở lên 11,0% < 12% — còn thiếu 10 công dân" in result.explanation
    assert normal.level == 0


def test_difficult_area_without_its_decision_is_not_passed_on_the_lower_thresholds() -> None:
    only_lower = evaluate(commune(_with(difficult_area=Fact(True, 0)), villages(1000, 850, 450, 110)))
    result = only_lower.indicator("5.2", 1)
    assert result.status is Status.NO_EVIDENCE
    assert result.threshold == {"trained": 40.0, "university": 10.0}
    assert (
        "đạt theo ngưỡng xã thuộc vùng khó khăn, nhưng chưa có minh chứng quyết định công nhận xã thuộc "
        "vùng khó khăn" in result.explanation
    )
    assert only_lower.level == 0
    assert [gap.action for gap in gaps(only_lower, 1)] == ["Bổ sung minh chứng"]

    # Meeting the normal thresholds needs no decision; falling short of the lower ones is a failure.
    normal = evaluate(commune(_with(difficult_area=Fact(True, 0)), villages(1000, 850, 650, 160)))
    assert normal.indicator("5.2", 2).status is Status.PASS
    assert normal.indicator("5.2", 2).threshold == {"trained": 60.0, "university": 15.0}
    assert "áp dụng ngưỡng thông thường" in normal.indicator("5.2", 2).explanation
    assert normal.level == 2
    short = evaluate(commune(_with(difficult_area=Fact(True, 0)), villages(1000, 850, 350, 110)))
    assert short.indicator("5.2", 1).status is Status.FAIL
    assert short.indicator("5.2", 1).gap == {"trained": 50, "university": 0}


def test_unanswered_difficult_area_uses_normal_thresholds_and_says_so() -> None:
    answers = level_2_commune_answers()
    del answers["difficult_area"]
    result = evaluate(commune(answers, villages(1000, 850, 450, 110))).indicator("5.2", 1)
    assert result.status is Status.FAIL
    assert "chưa khai xã thuộc vùng khó khăn hay không" in result.explanation


def test_missing_answer() -> None:
    answers = level_2_commune_answers()
    del answers["2.2"]
    assessment = evaluate(commune(answers))
    result = assessment.indicator("2.2", 1)
    assert result.status is Status.MISSING
    assert result.explanation == "2.2: chưa có câu trả lời"
    assert assessment.level == 0
    assert [gap.action for gap in gaps(assessment)] == ["Bổ sung hoặc sửa số liệu"]


def test_yes_without_evidence_is_not_passed() -> None:
    assessment = evaluate(commune(_with(**{"1.1": Fact(True, 0)})))
    result = assessment.indicator("1.1", 1)
    assert result.status is Status.NO_EVIDENCE
    assert "chưa có minh chứng" in result.explanation
    assert not assessment.levels["1"].criteria[0].passed
    assert assessment.level == 0
    assert gaps(assessment, 1)[0].action == "Bổ sung minh chứng"


def test_an_indicator_whose_data_waives_evidence_passes_without_it() -> None:
    rule = '{type: done, fact: "1.1"}'
    text = (resources.files("cdht.scoring") / "criteria" / "commune.yaml").read_text(encoding="utf-8")
    waived = parse_criteria_set(
        text.replace(rule, rule + "\n        evidence: {required: false, reason: Thử nghiệm (Điều 6).}", 1)
    )
    answers = _with(**{"1.1": Fact(True, 0)})
    assert evaluate(commune(answers)).indicator("1.1", 1).status is Status.NO_EVIDENCE
    assessment = evaluate(commune(answers), waived)
    assert assessment.indicator("1.1", 1).status is Status.PASS
    assert assessment.level == 2
    # 5.1 and 5.2 are summed from the villages' reports, which carry no documents, and pass.
    assert assessment.indicator("5.1", 2).status is Status.PASS


def test_level_without_evidence_is_not_passed_but_a_too_low_level_is_a_failure() -> None:
    assessment = evaluate(commune(_with(**{"4.3": Fact(3, 0), "4.4": Fact(0, 0)})))
    assert assessment.indicator("4.3", 2).status is Status.NO_EVIDENCE
    assert assessment.indicator("4.4", 1).status is Status.FAIL


def test_false_answer_fails() -> None:
    result = evaluate(commune(_with(**{"3.2": Fact(False, 2)}))).indicator("3.2", 1)
    assert result.status is Status.FAIL
    assert result.value is False


def test_villages_are_summed_when_the_commune_has_no_totals() -> None:
    result = evaluate(commune(children=villages(1000, 583, 650, 160, count=3))).indicator("5.1", 1)
    assert result.status is Status.FAIL
    assert (
        result.explanation
        == "5.1: 58,3% < 60% — còn thiếu 17 công dân (583/1.000 công dân; tổng hợp từ 3 thôn; "
        "cơ sở tính: toàn bộ công dân)"
    )
    assert result.gap == 17
    assert result.value == {
        "citizens": 1000,
        "counts": {"learning": 583},
        "shares": {"learning": 58.3},
        "source": "villages",
        "bases": ["toàn bộ công dân"],
    }


def test_commune_totals_win_over_villages() -> None:
    answers = level_2_commune_answers() | facts(
        citizens=1200, learning_citizens=1000, trained_citizens=800, university_citizens=200
    )
    assessment = evaluate(commune(answers, villages(1000, 583, 650, 160)))
    result = assessment.indicator("5.1", 2)
    assert result.status is Status.PASS
    assert result.explanation == (
        "5.1: 83,3% ≥ 80% (1.000/1.200 công dân; số liệu do xã nhập; cơ sở tính: toàn bộ công dân)"
    )
    assert assessment.level == 2


def test_commune_totals_with_a_missing_numerator_are_missing() -> None:
    answers = level_2_commune_answers() | facts(citizens=1200, learning_citizens=1000)
    result = evaluate(commune(answers)).indicator("5.2", 1)
    assert result.status is Status.MISSING
    assert "chưa có số liệu: qua đào tạo, đại học trở lên" in result.explanation
    assert "số liệu do xã nhập" in result.explanation


def test_partial_village_reporting_is_missing_and_shows_the_partial_figure() -> None:
    reported = villages(750, 600, 500, 120, count=3)
    silent = [village("Thôn Đồi", 250, None, None, None), village("Thôn Bến", None, None, None, None)]
    result = evaluate(commune(children=[*reported, *silent])).indicator("5.1", 1)
    assert result.status is Status.MISSING
    assert "còn 2/5 thôn chưa báo cáo (Thôn Đồi, Thôn Bến)" in result.explanation
    assert "tạm tính (tổng hợp từ 3 thôn): 80,0% (600/750 công dân)" in result.explanation
    assert isinstance(result.value, dict)
    assert result.value["unreported"] == ["Thôn Đồi", "Thôn Bến"]


def test_exact_gap_arithmetic() -> None:
    # 700/1.234 = 56,72…%; 60% of 1.234 is 740,4, so 741 holders are needed: 41 more.
    result = evaluate(commune(children=villages(1234, 700, 800, 200))).indicator("5.1", 1)
    assert result.explanation.startswith("5.1: 56,7% < 60% — còn thiếu 41 công dân")
    assert result.gap == 41


def test_exactly_at_the_threshold_passes_and_just_below_is_never_shown_as_reached() -> None:
    at = evaluate(commune(children=villages(1000, 600, 650, 160))).indicator("5.1", 1)
    assert at.status is Status.PASS
    assert at.explanation.startswith("5.1: 60,0% ≥ 60%")
    below = evaluate(commune(children=villages(10000, 5999, 6500, 1600))).indicator("5.1", 1)
    assert below.explanation.startswith("5.1: 59,9% < 60% — còn thiếu 1 công dân")


def test_more_holders_than_citizens_is_a_data_error() -> None:
    answers = level_2_commune_answers() | facts(
        citizens=100, learning_citizens=120, trained_citizens=60, university_citizens=10
    )
    result = evaluate(commune(answers)).indicator("5.1", 1)
    assert result.status is Status.MISSING
    assert "số liệu không hợp lệ" in result.explanation


def test_a_village_with_more_graduates_than_trained_is_reported_as_invalid() -> None:
    children = [*villages(900, 800, 600, 150, count=3), village("Thôn Lạ", 100, 90, 10, 20)]
    result = evaluate(commune(children=children)).indicator("5.2", 1)
    assert result.status is Status.MISSING
    assert "1 thôn có số liệu không hợp lệ (Thôn Lạ)" in result.explanation


def test_zero_citizens_or_no_villages_is_missing() -> None:
    zero = evaluate(commune(children=[village("Thôn Trống", 0, 0, 0, 0)])).indicator("5.1", 1)
    assert zero.status is Status.MISSING
    assert "số công dân bằng 0" in zero.explanation
    none = evaluate(commune(children=[])).indicator("5.1", 1)
    assert none.status is Status.MISSING
    assert "chưa có thôn nào báo cáo" in none.explanation


def test_citizen_base_is_shown_when_reported() -> None:
    answers = level_2_commune_answers() | facts(citizen_base="age15plus")
    counted = [
        replace(v, facts={**v.facts, **facts(citizen_base="age15plus")})
        for v in villages(1000, 850, 650, 160)
    ]
    result = evaluate(commune(answers, counted)).indicator("5.1", 1)
    assert "cơ sở tính: công dân từ 15 tuổi trở lên" in result.explanation
    assert isinstance(result.value, dict)
    assert result.value["bases"] == ["công dân từ 15 tuổi trở lên"]


def test_a_word_where_a_level_is_expected_is_missing_with_an_explanation() -> None:
    result = evaluate(commune(_with(**{"4.2": Fact("ba", 1)}))).indicator("4.2", 1)
    assert result.status is Status.MISSING
    assert "giá trị không hợp lệ ('ba')" in result.explanation


def test_gaps_are_ordered_by_closeness() -> None:
    answers = _with(**{"1.1": Fact(True, 0), "4.2": Fact(1, 1), "2.1": Fact(False, 1)})
    assessment = evaluate(commune(answers, villages(1000, 583, 650, 160)))
    order = [gap.indicator_id for gap in gaps(assessment, 1)]
    # evidence only; 5.1 is 3 % short; 4.2 is one level of two short; 2.1 is a plain "no".
    assert order == ["1.1", "5.1", "4.2", "2.1"]
    assert all(gap.text for gap in gaps(assessment, 1))
