"""Scoring of the "Cộng đồng học tập" evaluation (Thông tư 25/2023/TT-BGDĐT): pure, no I/O, no clock.

Facts in (`UnitFacts`, vocabulary in FACTS.md), `evaluate` -> `Assessment`, then `gaps`,
`assessment_to_json` (shape in JSON_SHAPE.md) or `format_assessment`.
"""

from cdht.scoring.criteria_set import (
    CriteriaSet,
    Criterion,
    Indicator,
    criteria_set_for_tier,
    load_criteria_set,
    parse_criteria_set,
)
from cdht.scoring.evaluate import evaluate
from cdht.scoring.facts import Fact, Recognition, Tier, UnitFacts
from cdht.scoring.gaps import Gap, gaps
from cdht.scoring.report import assessment_to_json, format_assessment, level_line
from cdht.scoring.results import (
    Assessment,
    CriterionResult,
    IndicatorResult,
    JsonValue,
    LevelResult,
    Status,
)

__all__ = [
    "Assessment",
    "CriteriaSet",
    "Criterion",
    "CriterionResult",
    "Fact",
    "Gap",
    "Indicator",
    "IndicatorResult",
    "JsonValue",
    "LevelResult",
    "Recognition",
    "Status",
    "Tier",
    "UnitFacts",
    "assessment_to_json",
    "criteria_set_for_tier",
    "evaluate",
    "format_assessment",
    "gaps",
    "level_line",
    "load_criteria_set",
    "parse_criteria_set",
]
