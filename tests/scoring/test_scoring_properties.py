"""Properties: more evidence or better figures never lower a result; odd values never raise."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdht.scoring import (
    Assessment,
    Fact,
    Recognition,
    Status,
    Tier,
    UnitFacts,
    assessment_to_json,
    evaluate,
    format_assessment,
    gaps,
)
from cdht.scoring.results import STATUS_RANK

from .builders import COMMUNE_FLAGS, DISTRICT_FLAGS, PROVINCE_FLAGS, YEAR

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LEVEL_FACTS = {"4.2": 3, "4.3": 3, "4.4": 2}
COUNT_KEYS = ("citizens", "learning_citizens", "trained_citizens", "university_citizens")


@st.composite
def valid_counts(draw: st.DrawFn) -> dict[str, Fact]:
    citizens = draw(st.integers(0, 400))
    learning = draw(st.integers(0, citizens))
    trained = draw(st.integers(0, citizens))
    university = draw(st.integers(0, trained))
    counts = dict(zip(COUNT_KEYS, (citizens, learning, trained, university), strict=True))
    dropped = draw(st.sets(st.sampled_from(COUNT_KEYS), max_size=1)) if draw(st.booleans()) else set()
    return {key: Fact(value) for key, value in counts.items() if key not in dropped}


@st.composite
def communes(draw: st.DrawFn, code: str = "X") -> UnitFacts:
    answers: dict[str, Fact] = {}
    for key in COMMUNE_FLAGS:
        if draw(st.integers(0, 9)):
            answers[key] = Fact(draw(st.booleans()), draw(st.integers(0, 2)))
    for key, top in LEVEL_FACTS.items():
        if draw(st.integers(0, 9)):
            answers[key] = Fact(draw(st.integers(0, top)), draw(st.integers(0, 2)))
    if draw(st.booleans()):
        answers["difficult_area"] = Fact(draw(st.booleans()))
    if draw(st.integers(0, 3)) == 0:
        answers |= draw(valid_counts())
    villages = [
        UnitFacts(f"{code}-V{i}", f"Thôn {i}", "village", YEAR, draw(valid_counts()))
        for i in range(draw(st.integers(0, 4)))
    ]
    recognitions = [Recognition(draw(st.integers(1, 2)), draw(st.integers(YEAR - 5, YEAR + 1)))] * draw(
        st.integers(0, 1)
    )
    return UnitFacts(
        code, f"Xã {code}", "commune", YEAR, answers, children=villages, recognitions=recognitions
    )


@st.composite
def districts(draw: st.DrawFn) -> UnitFacts:
    answers = {key: Fact(draw(st.booleans()), draw(st.integers(0, 1))) for key in DISTRICT_FLAGS}
    answers["income_per_capita"] = Fact(draw(st.floats(0, 100)))
    previous = {"income_per_capita": Fact(draw(st.floats(0, 100)))}
    children = [draw(communes(code=f"X{i}")) for i in range(draw(st.integers(0, 3)))]
    return UnitFacts("H", "Huyện", "district", YEAR, answers, previous_year=previous, children=children)


def _ranks(assessment: Assessment) -> dict[tuple[str, str], int]:
    return {
        (key, result.id): STATUS_RANK[result.status]
        for key, level in assessment.levels.items()
        for criterion in level.criteria
        for result in criterion.indicators
    }


def _criteria(assessment: Assessment) -> dict[tuple[str, str], bool]:
    return {
        (key, criterion.id): criterion.passed
        for key, level in assessment.levels.items()
        for criterion in level.criteria
    }


def assert_not_lower(before: UnitFacts, after: UnitFacts) -> None:
    old, new = evaluate(before), evaluate(after)
    for key, rank in _ranks(old).items():
        assert _ranks(new)[key] >= rank, key
    for key, passed in _criteria(old).items():
        assert _criteria(new)[key] >= passed, key
    assert new.level >= old.level


def _improve_counts(counts: dict[str, Fact], key: str, amount: int) -> dict[str, Fact] | None:
    """`counts` with `key` raised by up to `amount`, within its limits; None when it cannot rise."""
    current = counts[key].value if key in counts else None
    if not isinstance(current, int):
        return None
    ceiling_fact = counts.get({"university_citizens": "trained_citizens"}.get(key, "citizens"))
    ceiling = ceiling_fact.value if ceiling_fact and isinstance(ceiling_fact.value, int) else 10**6
    if ceiling <= current:
        return None
    return counts | {key: Fact(current + min(amount, ceiling - current))}


@SETTINGS
@given(communes(), st.data())
def test_more_evidence_or_better_answers_never_lower_a_commune(unit: UnitFacts, data: st.DataObject) -> None:
    answers = dict(unit.facts)
    key = data.draw(st.sampled_from([*COMMUNE_FLAGS, *LEVEL_FACTS, "difficult_area"]))
    fact = answers.get(key)
    change = data.draw(st.sampled_from(["evidence", "value"]))
    if fact is None:
        return
    if change == "evidence":
        answers[key] = Fact(fact.value, fact.evidence_count + 1)
    elif isinstance(fact.value, bool):
        answers[key] = Fact(True, fact.evidence_count)
    elif isinstance(fact.value, int):
        answers[key] = Fact(min(fact.value + 1, LEVEL_FACTS[key]), fact.evidence_count)
    assert_not_lower(unit, replace(unit, facts=answers))


@SETTINGS
@given(communes(), st.sampled_from(COUNT_KEYS[1:]), st.integers(1, 300), st.data())
def test_raising_a_numerator_never_lowers_a_commune(
    unit: UnitFacts, key: str, amount: int, data: st.DataObject
) -> None:
    if "citizens" in unit.facts:
        raised = _improve_counts(dict(unit.facts), key, amount)
        if raised is not None:
            assert_not_lower(unit, replace(unit, facts=raised))
    if unit.children:
        index = data.draw(st.integers(0, len(unit.children) - 1))
        village = unit.children[index]
        raised = _improve_counts(dict(village.facts), key, amount)
        if raised is not None:
            children = list(unit.children)
            children[index] = replace(village, facts=raised)
            assert_not_lower(unit, replace(unit, children=children))


@SETTINGS
@given(districts(), st.integers(1, 2), st.data())
def test_a_new_recognition_or_better_commune_never_lowers_a_district(
    unit: UnitFacts, level: int, data: st.DataObject
) -> None:
    if not unit.children:
        return
    index = data.draw(st.integers(0, len(unit.children) - 1))
    child = unit.children[index]
    children = list(unit.children)
    children[index] = replace(child, recognitions=[*child.recognitions, Recognition(level, YEAR)])
    assert_not_lower(unit, replace(unit, children=children))


@SETTINGS
@given(st.one_of(communes(), districts()))
def test_level_2_implies_level_1(unit: UnitFacts) -> None:
    assessment = evaluate(unit)
    if assessment.levels["2"].passed:
        assert assessment.levels["1"].passed
    assert assessment.level == (2 if assessment.levels["2"].passed else int(assessment.levels["1"].passed))


ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
KEYS = sorted(
    {*COMMUNE_FLAGS, *DISTRICT_FLAGS, *PROVINCE_FLAGS, *LEVEL_FACTS, *COUNT_KEYS}
    | {"3.4", "3.5", "3.5_shared_resources", "difficult_area", "citizen_base", "income_per_capita"}
    | {"employment_rate"}
    | {"poverty_rate", "grdp", "grdp_previous", "poverty_rate_previous", "income_per_capita_previous"}
)
ASSESSED_TIERS: list[Tier] = ["commune", "district", "province"]
CHILD_TIER: dict[Tier, Tier] = {"province": "district", "district": "commune", "commune": "village"}
DIRECT_FACTS = {
    "commune": {*COMMUNE_FLAGS, *LEVEL_FACTS},
    "district": set(DISTRICT_FLAGS),
    "province": {*PROVINCE_FLAGS, "3.4", "3.5"},
}
ANY_FACTS = st.dictionaries(
    st.sampled_from(KEYS), st.builds(Fact, ANY_VALUE, st.integers(-2, 3)), max_size=len(KEYS)
)


@st.composite
def odd_units(draw: st.DrawFn, tier: Tier) -> UnitFacts:
    child_tier = CHILD_TIER[tier]
    children = []
    for i in range(draw(st.integers(0, 2))):
        grandchildren = [
            UnitFacts(f"V{j}", f"Thôn {j}", "village", YEAR, draw(ANY_FACTS))
            for j in range(draw(st.integers(0, 2)))
        ]
        facts = draw(ANY_FACTS)
        children.append(UnitFacts(f"C{i}", f"Con {i}", child_tier, YEAR, facts, children=grandchildren))
    return UnitFacts("U", "Đơn vị", tier, YEAR, draw(ANY_FACTS), draw(ANY_FACTS), children=children)


@SETTINGS
@given(st.sampled_from(ASSESSED_TIERS).flatmap(odd_units))
def test_odd_values_never_raise(unit: UnitFacts) -> None:
    assessment = evaluate(unit)
    json.dumps(assessment_to_json(assessment), allow_nan=False)
    format_assessment(assessment)
    gaps(assessment, 1)
    gaps(assessment, 2)
    for level in assessment.levels.values():
        for criterion in level.criteria:
            for result in criterion.indicators:
                assert result.explanation.startswith(f"{result.id}: ")
                fact = unit.facts.get(result.id) if result.id in DIRECT_FACTS[unit.tier] else None
                if fact is not None and isinstance(fact.value, str):
                    assert result.status is Status.MISSING
                    assert "không hợp lệ" in result.explanation
