"""An assessment reported: the stable JSON form (`cdht score --json`, shape in JSON_SHAPE.md) and a
plain-text Vietnamese table for chat and the console."""

from __future__ import annotations

from cdht.scoring.results import (
    Assessment,
    CriterionResult,
    IndicatorResult,
    JsonValue,
    LevelResult,
    Status,
)

MARKS = {Status.PASS: "✅", Status.FAIL: "❌", Status.MISSING: "⏳", Status.NO_EVIDENCE: "📎"}
LEGEND = "✅ đạt · ❌ chưa đạt · ⏳ chưa có số liệu · 📎 thiếu minh chứng"


def level_line(assessment: Assessment) -> str:
    if assessment.level:
        return f"Kết quả: đạt mức độ {assessment.level}"
    return "Kết quả: chưa đạt mức độ 1"


def format_assessment(assessment: Assessment) -> str:
    lines = [
        f"{assessment.criteria_set_name} — {assessment.unit_name} — năm {assessment.year}",
        "Tiêu chí | Chỉ tiêu | Mức 1 | Mức 2 | Giải thích",
    ]
    first, second = assessment.levels["1"], assessment.levels["2"]
    for criterion_1, criterion_2 in zip(first.criteria, second.criteria, strict=True):
        marks = f"{_criterion_mark(criterion_1.passed)} | {_criterion_mark(criterion_2.passed)}"
        lines.append(f"Tiêu chí {criterion_1.id}. {criterion_1.name} | | {marks} |")
        for result_1, result_2 in zip(criterion_1.indicators, criterion_2.indicators, strict=True):
            lines.append(
                f"  | {result_1.id} {result_1.name} | {MARKS[result_1.status]} | {MARKS[result_2.status]} "
                f"| {_explain(result_1, result_2)}"
            )
    lines += [level_line(assessment), f"Ký hiệu: {LEGEND}"]
    return "\n".join(lines)


def _criterion_mark(passed: bool) -> str:
    return "✅" if passed else "❌"


def _explain(level_1: IndicatorResult, level_2: IndicatorResult) -> str:
    if level_1.explanation == level_2.explanation:
        return level_1.explanation
    return f"mức 1: {level_1.explanation}; mức 2: {level_2.explanation}"


def assessment_to_json(assessment: Assessment) -> dict[str, JsonValue]:
    return {
        "unit": assessment.unit_code,
        "unit_name": assessment.unit_name,
        "year": assessment.year,
        "criteria_set": assessment.criteria_set_id,
        "level": assessment.level,
        "levels": {key: _level(level) for key, level in assessment.levels.items()},
    }


def _level(level: LevelResult) -> JsonValue:
    return {"passed": level.passed, "criteria": [_criterion(criterion) for criterion in level.criteria]}


def _criterion(criterion: CriterionResult) -> JsonValue:
    return {
        "id": criterion.id,
        "name": criterion.name,
        "passed": criterion.passed,
        "indicators": [_indicator(result) for result in criterion.indicators],
    }


def _indicator(result: IndicatorResult) -> JsonValue:
    return {
        "id": result.id,
        "name": result.name,
        "status": result.status.value,
        "value": result.value,
        "threshold": result.threshold,
        "explanation": result.explanation,
    }
