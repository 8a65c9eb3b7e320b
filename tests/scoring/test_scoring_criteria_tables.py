"""Every criteria set checked against the regulation, as transcribed here (not read from the YAML)."""

from __future__ import annotations

import re
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
from pydantic import ValidationError

from cdht.scoring import CriteriaSet, load_criteria_set, parse_criteria_set
from cdht.scoring.criteria_set import criteria_set_for_tier
from cdht.scoring.rules import (
    AllOfRule,
    ChildrenRecognisedRule,
    CountAtLeastRule,
    DoneRule,
    LevelAtLeastRule,
    ShareOfCitizensRule,
    TrendRule,
)

DONE = ("done", True, True)

# id -> (rule type, level-1 threshold, level-2 threshold); shares in percent.
COMMUNE = {
    **{key: DONE for key in ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1")},
    "4.2": ("level", 2, 3),
    "4.3": ("level", 2, 3),
    "4.4": ("level", 1, 2),
    "5.1": ("share", {"learning": 60}, {"learning": 80}),
    "5.2": ("share", {"trained": 50, "university": 12}, {"trained": 60, "university": 15}),
}
COMMUNE_DIFFICULT_5_2 = ({"trained": 40, "university": 10}, {"trained": 50, "university": 12})
DISTRICT = {
    **{key: DONE for key in ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3")},
    "4.1": ("children", ("commune", 1, 90), ("commune", 2, 90)),
    "4.2": ("trend", ("income_per_capita", "rises"), ("income_per_capita", "rises")),
    "4.3": ("trend", ("employment_rate", "rises"), ("employment_rate", "rises")),
}
PROVINCE = {
    **{key: DONE for key in ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "3.3")},
    "3.4": ("count", 4, 4),
    "3.5": ("all_of", (("count", 4), ("done", True)), (("count", 4), ("done", True))),
    "4.1": ("children", ("district", 1, 90), ("district", 2, 90)),
    "4.2": ("trend", ("poverty_rate", "falls"), ("poverty_rate", "falls")),
    "4.3": ("trend", ("grdp", "rises"), ("grdp", "rises")),
}
EXPECTED = {
    "tt25_commune": ("commune", 5, COMMUNE, ("Điều 6", "Điều 7")),
    "tt25_district": ("district", 4, DISTRICT, ("Điều 11", "Điều 12")),
    "tt25_province": ("province", 4, PROVINCE, ("Điều 16", "Điều 17")),
}
# Every indicator needs evidence except those computed from recorded decisions or summed village reports.
NO_EVIDENCE_REQUIRED = {("tt25_commune", "5.1"), ("tt25_commune", "5.2")} | {
    (set_id, "4.1") for set_id in ("tt25_district", "tt25_province")
}


def _percent(thresholds: Any) -> dict[str, Decimal]:
    return {key: Decimal(value) for key, value in thresholds.items()}


def describe(rule: Any, level: int) -> tuple[str, Any]:
    match rule:
        case DoneRule():
            return "done", True
        case LevelAtLeastRule():
            return "level", rule.levels[level]
        case CountAtLeastRule():
            return "count", rule.levels[level]
        case ShareOfCitizensRule():
            return "share", dict(rule.levels[level])
        case ChildrenRecognisedRule():
            need = rule.levels[level]
            return "children", (rule.child_tier, need.level, need.share)
        case TrendRule():
            return "trend", (rule.fact, rule.direction)
        case AllOfRule():
            return "all_of", tuple(describe(part.rule, level) for part in rule.parts)
    raise AssertionError(f"unknown rule {rule!r}")


@pytest.mark.parametrize("set_id", sorted(EXPECTED))
def test_counts_tier_and_articles(set_id: str) -> None:
    tier, criteria_count, table, articles = EXPECTED[set_id]
    criteria_set = load_criteria_set(set_id)
    assert criteria_set.tier == tier
    assert criteria_set_for_tier(tier) is criteria_set
    assert len(criteria_set.criteria) == criteria_count
    assert [indicator.id for indicator in criteria_set.indicators] == list(table)
    assert (criteria_set.articles[1], criteria_set.articles[2]) == articles
    assert "25/2023/TT-BGDĐT" in criteria_set.legal_basis


def test_indicator_totals_match_the_circular() -> None:
    totals = {set_id: len(load_criteria_set(set_id).indicators) for set_id in EXPECTED}
    assert totals == {"tt25_commune": 15, "tt25_district": 13, "tt25_province": 16}


@pytest.mark.parametrize(
    ("set_id", "indicator_id"), [(set_id, key) for set_id, spec in EXPECTED.items() for key in spec[2]]
)
def test_every_threshold(set_id: str, indicator_id: str) -> None:
    kind, level_1, level_2 = EXPECTED[set_id][2][indicator_id]
    indicator = next(i for i in load_criteria_set(set_id).indicators if i.id == indicator_id)
    if kind == "share":
        level_1, level_2 = _percent(level_1), _percent(level_2)
    assert describe(indicator.rule, 1) == (kind, level_1)
    assert describe(indicator.rule, 2) == (kind, level_2)
    assert indicator.evidence.required is ((set_id, indicator_id) not in NO_EVIDENCE_REQUIRED)
    if not indicator.evidence.required:
        assert indicator.evidence.reason is not None
        assert (
            "Điều" in indicator.evidence.reason and "Thông tư 25/2023/TT-BGDĐT" in indicator.evidence.reason
        )


def test_province_3_5_asks_for_both_conditions_of_the_circular() -> None:
    rule = next(i for i in load_criteria_set("tt25_province").indicators if i.id == "3.5").rule
    assert isinstance(rule, AllOfRule)
    assert {part.key: sorted(part.rule.fact_keys()) for part in rule.parts} == {
        "programmes": ["3.5"],
        "shared_resources": ["3.5_shared_resources"],
    }
    assert set(rule.evidence_facts()) == {"3.5", "3.5_shared_resources"}


def test_commune_5_2_difficult_area_thresholds() -> None:
    rule = next(i for i in load_criteria_set("tt25_commune").indicators if i.id == "5.2").rule
    assert isinstance(rule, ShareOfCitizensRule)
    assert rule.easier_when is not None
    assert rule.easier_when.fact == "difficult_area"
    easy_1, easy_2 = COMMUNE_DIFFICULT_5_2
    assert dict(rule.easier_when.levels[1]) == _percent(easy_1)
    assert dict(rule.easier_when.levels[2]) == _percent(easy_2)


@pytest.mark.parametrize("set_id", sorted(EXPECTED))
def test_names_are_vietnamese_and_references_name_the_article(set_id: str) -> None:
    criteria_set = load_criteria_set(set_id)
    for criterion in criteria_set.criteria:
        assert criterion.name.strip()
        for indicator in criterion.indicators:
            assert re.search(r"[àáảãạăâđèéêìíòóôơùúưỳý]", indicator.name.lower()), indicator.name
            for level in (1, 2):
                reference = criteria_set.legal_reference(indicator, level)
                assert reference.startswith(criteria_set.articles[level])
                assert indicator.id in reference


def test_every_fact_key_is_documented() -> None:
    documented = (resources.files("cdht.scoring") / "FACTS.md").read_text(encoding="utf-8")
    for set_id in EXPECTED:
        for key in load_criteria_set(set_id).fact_keys():
            assert f"`{key}`" in documented, key


def _commune_yaml() -> str:
    return (resources.files("cdht.scoring") / "criteria" / "commune.yaml").read_text(encoding="utf-8")


def test_level_2_weaker_than_level_1_is_rejected() -> None:
    text = _commune_yaml().replace("levels: {1: 2, 2: 3}", "levels: {1: 3, 2: 2}", 1)
    with pytest.raises(ValidationError, match="at least as strict"):
        parse_criteria_set(text)


def test_difficult_area_stricter_than_normal_is_rejected() -> None:
    text = _commune_yaml().replace("2: {trained: 50, university: 12}", "2: {trained: 65, university: 12}")
    with pytest.raises(ValidationError, match="must not be stricter"):
        parse_criteria_set(text)


def test_misnumbered_indicator_is_rejected() -> None:
    text = _commune_yaml().replace('- id: "1.3"', '- id: "1.4"', 1)
    with pytest.raises(ValidationError, match=r"should be 1\.3"):
        parse_criteria_set(text)


def test_evidence_not_required_without_a_reason_is_rejected() -> None:
    rule = '{type: done, fact: "1.1"}'
    reasoned = _commune_yaml().replace(
        rule, rule + "\n        evidence: {required: false, reason: Theo Điều 6.}", 1
    )
    assert not parse_criteria_set(reasoned).indicators[0].evidence.required
    for evidence in ("{required: false}", '{required: false, reason: "  "}'):
        text = _commune_yaml().replace(rule, f"{rule}\n        evidence: {evidence}", 1)
        with pytest.raises(ValidationError, match="needs a `reason`"):
            parse_criteria_set(text)


def test_evidence_required_of_a_rule_without_facts_is_rejected() -> None:
    district = (resources.files("cdht.scoring") / "criteria" / "district.yaml").read_text(encoding="utf-8")
    start = district.index("        evidence:\n          required: false")
    end = district.index('      - id: "4.2"')
    with pytest.raises(ValidationError, match="could carry evidence"):
        parse_criteria_set(district[:start] + district[end:])


def test_unknown_rule_type_is_rejected() -> None:
    text = _commune_yaml().replace('{type: done, fact: "1.1"}', '{type: maybe, fact: "1.1"}', 1)
    with pytest.raises(ValidationError):
        parse_criteria_set(text)


def test_unknown_set_and_tier() -> None:
    with pytest.raises(KeyError):
        load_criteria_set("tt44_commune")
    with pytest.raises(ValueError, match="village"):
        criteria_set_for_tier("village")
    assert isinstance(parse_criteria_set(_commune_yaml()), CriteriaSet)
