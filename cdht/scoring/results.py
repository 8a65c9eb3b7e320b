"""The outcome of an evaluation: indicator results, criteria, levels, and the unit's assessment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeAlias

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None

LEVELS = (1, 2)


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 -- a status name, not a password
    FAIL = "fail"
    MISSING = "missing"
    NO_EVIDENCE = "no_evidence"
    """The answer would pass but no evidence is attached: shown on its own, never counted as passed."""


STATUS_RANK: Mapping[Status, int] = {
    Status.MISSING: 0,
    Status.FAIL: 1,
    Status.NO_EVIDENCE: 2,
    Status.PASS: 3,
}


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator judged against the thresholds of one level.

    `gap` is the shortfall of numeric rules (citizens, units, programmes, levels; a mapping per part
    for 5.2), `distance` orders blockers (0 = only evidence missing or passed, 1 = far or unknown),
    `projection` is the computed-level count of child units (district/province 4.1 only).
    """

    id: str
    name: str
    level: int
    status: Status
    value: JsonValue
    threshold: JsonValue
    explanation: str
    legal: str = ""
    gap: JsonValue = None
    distance: float = 0.0
    projection: JsonValue = None

    @property
    def passed(self) -> bool:
        return self.status is Status.PASS


@dataclass(frozen=True)
class CriterionResult:
    id: str
    name: str
    indicators: tuple[IndicatorResult, ...]

    @property
    def passed(self) -> bool:
        return all(indicator.passed for indicator in self.indicators)


@dataclass(frozen=True)
class LevelResult:
    level: int
    passed: bool
    criteria: tuple[CriterionResult, ...]


@dataclass(frozen=True)
class Assessment:
    """`levels` is keyed "1" and "2"; `children` are the assessments of the units below (for projections)."""

    unit_code: str
    unit_name: str
    tier: str
    year: int
    criteria_set_id: str
    criteria_set_name: str
    level: int
    levels: Mapping[str, LevelResult]
    children: tuple[Assessment, ...] = field(default=())

    def indicator(self, indicator_id: str, level: int) -> IndicatorResult:
        for criterion in self.levels[str(level)].criteria:
            for result in criterion.indicators:
                if result.id == indicator_id:
                    return result
        raise KeyError(indicator_id)
