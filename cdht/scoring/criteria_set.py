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


class Indicator(_Frozen):
    id: str
    name: str
    rule: Rule
    legal: Mapping[int, str] | None = None
    """Overrides the derived reference ("Điều 6, tiêu chí 5, chỉ tiêu 5.1") per level when given."""


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

    def fact_keys(self) -> frozenset[str]:
        """Every fact key the set's rules read from a unit or its children."""
        return frozenset().union(*(indicator.rule.fact_keys() for indicator in self.indicators))


def parse_criteria_set(text: str) -> CriteriaSet:
    return CriteriaSet.model_validate(yaml.safe_load(text))


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
