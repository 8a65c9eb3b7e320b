"""What every rule shares: its pydantic base, the context it judges in, and the verdict it returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from cdht.scoring import values
from cdht.scoring.facts import Fact, UnitFacts
from cdht.scoring.results import LEVELS, Assessment, JsonValue, Status

T = TypeVar("T")


class RuleModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True)
class JudgeContext:
    unit: UnitFacts
    level: int
    child_assessments: tuple[Assessment, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """A rule's judgement; the evaluator adds the indicator id, name and level."""

    status: Status
    explanation: str
    value: JsonValue = None
    threshold: JsonValue = None
    gap: JsonValue = None
    distance: float | None = None
    projection: JsonValue = None


def missing(explanation: str, value: JsonValue = None, threshold: JsonValue = None) -> Verdict:
    return Verdict(Status.MISSING, explanation, value=value, threshold=threshold)


def require_evidence(verdict: Verdict, carriers: Mapping[str, str], facts: Mapping[str, Fact]) -> Verdict:
    """A pass whose evidence-carrying facts lack a document is `no_evidence` (TT25: the council appraises the
    dossier; no evidence, not passed). `carriers` maps each fact to what it shows ("" for a rule of one fact),
    named in the explanation when only some of them lack evidence or when there are several."""
    if verdict.status is not Status.PASS:
        return verdict
    lacking = [key for key in carriers if values.evidence(facts, key) == 0]
    if not lacking:
        return verdict
    labels = [carriers[key] for key in lacking if carriers[key]]
    about = f" về {'; '.join(labels)}" if labels else ""
    return replace(
        verdict,
        status=Status.NO_EVIDENCE,
        explanation=f"{verdict.explanation}, nhưng chưa có minh chứng{about} — chưa được tính là đạt",
        gap=None,
        distance=0.0,
    )


def check_per_level(levels: Mapping[int, T], not_weaker: Callable[[T, T], bool]) -> Mapping[int, T]:
    """Thresholds exist for levels 1 and 2, and level 2 is never easier than level 1."""
    if set(levels) != set(LEVELS):
        raise ValueError(f"thresholds must be given for levels {LEVELS}, got {sorted(levels)}")
    if not not_weaker(levels[2], levels[1]):
        raise ValueError("level 2 thresholds must be at least as strict as level 1")
    return levels


def relative_shortfall(have: float, need: float) -> float:
    if need <= 0:
        return 1.0
    return min(max((need - have) / need, 0.0), 1.0)
