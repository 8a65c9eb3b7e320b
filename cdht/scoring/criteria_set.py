"""Criteria sets as data: the YAML files under `criteria/`, validated by pydantic on load."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from cdht.scoring.facts import Tier
from cdht.scoring.results import LEVELS
from cdht.scoring.rules import Rule

# PyYAML's safe loader, in C when libyaml is built in (about ten times faster on the packaged YAML).
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SET_FILES: Mapping[str, str] = {
    "tt25_commune": "commune.yaml",
    "tt25_district": "district.yaml",
    "tt25_province": "province.yaml",
}
SET_BY_TIER: Mapping[str, str] = {
    "commune": "tt25_commune",
    "district": "tt25_district",
    "province": "tt25_province",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Frozen):
    """Whether a passing answer needs a document (minh chứng) to count: yes unless the data says otherwise,
    with the circular's ground in `reason` (shown to people; Vietnamese)."""

    required: bool = True
    reason: str | None = None

    @model_validator(mode="after")
    def _reasoned(self) -> Evidence:
        if not self.required and not (self.reason and self.reason.strip()):
            raise ValueError("evidence: {required: false} needs a `reason` (why no document is asked)")
        return self


class Indicator(_Frozen):
    id: str
    name: str
    """The circular's words for the indicator at level 1 (the «Chỉ tiêu N: …» clause of the level-1 article)."""
    names: Mapping[int, str] | None = None
    """The words at another level where the circular words it differently (thresholds written in the text)."""
    rule: Rule
    legal: Mapping[int, str] | None = None
    """Overrides the derived reference ("Điều 6, tiêu chí 5, chỉ tiêu 5.1") per level when given."""
    evidence: Evidence = Evidence()
    """Every fact the rule lists in `evidence_facts()` needs evidence for a pass to count, unless not required."""

    @model_validator(mode="after")
    def _evidence_has_a_carrier(self) -> Indicator:
        if self.evidence.required and not self.rule.evidence_facts():
            raise ValueError(
                f"indicator {self.id}: its rule reads no fact that could carry evidence; "
                "say evidence: {required: false, reason: ...}"
            )
        return self

    @model_validator(mode="after")
    def _known_levels(self) -> Indicator:
        if self.names and not set(self.names) <= set(LEVELS):
            raise ValueError(f"indicator {self.id}: names may be given for levels {LEVELS} only")
        return self

    def name_at(self, level: int) -> str:
        """The indicator's wording in the article that sets `level`."""
        if self.names and level in self.names:
            return self.names[level]
        return self.name


class Criterion(_Frozen):
    id: str
    name: str
    indicators: tuple[Indicator, ...]


class CriteriaSet(_Frozen):
    id: str
    tier: Tier
    name: str
    legal_basis: str
    articles: Mapping[int, str]
    """The article that sets each level's criteria, e.g. {1: "Điều 6", 2: "Điều 7"}."""
    criteria: tuple[Criterion, ...]

    @model_validator(mode="after")
    def _well_formed(self) -> CriteriaSet:
        if set(self.articles) != set(LEVELS):
            raise ValueError(f"articles must be given for levels {LEVELS}")
        for number, criterion in enumerate(self.criteria, start=1):
            if criterion.id != str(number) or not criterion.indicators:
                raise ValueError(f"criteria must be numbered 1, 2, …; found {criterion.id!r} at {number}")
            for sub, indicator in enumerate(criterion.indicators, start=1):
                if indicator.id != f"{criterion.id}.{sub}":
                    raise ValueError(f"indicator {indicator.id!r} should be {criterion.id}.{sub}")
        return self

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(indicator for criterion in self.criteria for indicator in criterion.indicators)

    def legal_reference(self, indicator: Indicator, level: int) -> str:
        if indicator.legal and level in indicator.legal:
            return indicator.legal[level]
        criterion = indicator.id.split(".")[0]
        return f"{self.articles[level]}, tiêu chí {criterion}, chỉ tiêu {indicator.id}"

    def indicator_reading(self, fact: str) -> str | None:
        """The first indicator whose rule reads `fact` (e.g. "income_per_capita" → "4.2", "difficult_area" →
        "5.2"): where a document attached to that fact belongs in the dossier."""
        return next((i.id for i in self.indicators if fact in i.rule.fact_keys()), None)

    def fact_keys(self) -> frozenset[str]:
        """Every fact key the set's rules read from a unit or its children."""
        return frozenset().union(*(indicator.rule.fact_keys() for indicator in self.indicators))


def parse_criteria_set(text: str) -> CriteriaSet:
    return CriteriaSet.model_validate(yaml.load(text, Loader=SAFE_LOADER))  # noqa: S506 - safe


@cache
def load_criteria_set(set_id: str) -> CriteriaSet:
    """One of the packaged sets: "tt25_commune", "tt25_district" or "tt25_province"."""
    if set_id not in SET_FILES:
        raise KeyError(f"unknown criteria set {set_id!r}; known: {sorted(SET_FILES)}")
    text = (resources.files("cdht.scoring") / "criteria" / SET_FILES[set_id]).read_text(encoding="utf-8")
    criteria_set = parse_criteria_set(text)
    if criteria_set.id != set_id:
        raise ValueError(f"{SET_FILES[set_id]} declares id {criteria_set.id!r}, expected {set_id!r}")
    return criteria_set


def criteria_set_for_tier(tier: str) -> CriteriaSet:
    if tier not in SET_BY_TIER:
        raise ValueError(f"no criteria set for tier {tier!r}; assessed tiers: {sorted(SET_BY_TIER)}")
    return load_criteria_set(SET_BY_TIER[tier])
