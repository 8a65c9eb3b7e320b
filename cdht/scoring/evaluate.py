"""Evaluate one unit against its criteria set: indicators per level, criteria, and the level reached."""

from __future__ import annotations

from cdht.scoring.criteria_set import SET_BY_TIER, CriteriaSet, Criterion, Indicator, criteria_set_for_tier
from cdht.scoring.facts import UnitFacts
from cdht.scoring.results import LEVELS, Assessment, CriterionResult, IndicatorResult, LevelResult, Status
from cdht.scoring.rules import JudgeContext
from cdht.scoring.rules.base import require_evidence


def evaluate(unit: UnitFacts, criteria_set: CriteriaSet | None = None) -> Assessment:
    """Judge `unit` (a commune, district or province) for `unit.year`; the set is chosen by tier when None."""
    chosen = criteria_set or criteria_set_for_tier(unit.tier)
    children = tuple(evaluate(child) for child in unit.children if child.tier in SET_BY_TIER)
    levels: dict[str, LevelResult] = {}
    reached = 0
    for level in LEVELS:
        context = JudgeContext(unit, level, children)
        criteria = tuple(_criterion(chosen, criterion, context) for criterion in chosen.criteria)
        # A level counts only on top of the levels below it, whatever the thresholds say.
        passed = reached == level - 1 and all(criterion.passed for criterion in criteria)
        reached = level if passed else reached
        levels[str(level)] = LevelResult(level, passed, criteria)
    return Assessment(
        unit_code=unit.unit_code,
        unit_name=unit.unit_name,
        tier=unit.tier,
        year=unit.year,
        criteria_set_id=chosen.id,
        criteria_set_name=chosen.name,
        level=reached,
        levels=levels,
        children=children,
    )


def _criterion(criteria_set: CriteriaSet, criterion: Criterion, context: JudgeContext) -> CriterionResult:
    results = tuple(_indicator(criteria_set, indicator, context) for indicator in criterion.indicators)
    return CriterionResult(criterion.id, criterion.name, results)


def _indicator(criteria_set: CriteriaSet, indicator: Indicator, context: JudgeContext) -> IndicatorResult:
    verdict = indicator.rule.judge(context)
    if indicator.evidence.required:  # one place for every rule type: a pass needs its documents
        verdict = require_evidence(verdict, indicator.rule.evidence_facts(), context.unit.facts)
    default_distance = {Status.PASS: 0.0, Status.NO_EVIDENCE: 0.0}.get(verdict.status, 1.0)
    return IndicatorResult(
        id=indicator.id,
        name=indicator.name_at(context.level),
        level=context.level,
        status=verdict.status,
        value=verdict.value,
        threshold=verdict.threshold,
        explanation=f"{indicator.id}: {verdict.explanation}",
        legal=criteria_set.legal_reference(indicator, context.level),
        gap=verdict.gap,
        distance=default_distance if verdict.distance is None else verdict.distance,
        projection=verdict.projection,
    )
