"""An assessment flattened for tables: one row per indicator with both levels side by side."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdht.reports.figures import evidence_keys, needs_evidence, rule_type
from cdht.reports.labels import status_label
from cdht.scoring import Assessment, IndicatorResult, JsonValue, Status


@dataclass(frozen=True)
class IndicatorRow:
    criterion_id: str
    criterion_name: str
    level_1: IndicatorResult
    level_2: IndicatorResult
    rule: str | None
    evidence: int | None
    needs_evidence: bool = True
    """Whether the criteria data asks this indicator for evidence (its count is shown even when 0)."""

    @property
    def id(self) -> str:
        return self.level_1.id

    @property
    def name(self) -> str:
        return level_names(self.level_1.name, self.level_2.name)

    @property
    def explanation(self) -> str:
        if self.level_1.explanation == self.level_2.explanation:
            return self.level_1.explanation
        return f"Mức độ 1: {self.level_1.explanation}\nMức độ 2: {self.level_2.explanation}"


def level_names(level_1: str, level_2: str) -> str:
    """An indicator's name for a row covering both levels: the circular's words, once when they are the same
    at both levels, else each level's («mức độ 2» / «mức độ 3» of commune 4.2) on its own line."""
    if level_1 == level_2:
        return level_1
    return f"Mức độ 1: {level_1}\nMức độ 2: {level_2}"


def indicator_rows(
    assessment: Assessment, evidence_counts: Mapping[str, int] | None = None
) -> list[IndicatorRow]:
    """Every indicator in order; `evidence` is None when no counts are given at all (None or empty)."""
    first, second = assessment.levels["1"], assessment.levels["2"]
    rows = []
    for criterion_1, criterion_2 in zip(first.criteria, second.criteria, strict=True):
        for result_1, result_2 in zip(criterion_1.indicators, criterion_2.indicators, strict=True):
            rows.append(
                IndicatorRow(
                    criterion_id=criterion_1.id,
                    criterion_name=criterion_1.name,
                    level_1=result_1,
                    level_2=result_2,
                    rule=rule_type(assessment.criteria_set_id, result_1.id),
                    evidence=_evidence(assessment.criteria_set_id, result_1.id, evidence_counts),
                    needs_evidence=needs_evidence(assessment.criteria_set_id, result_1.id),
                )
            )
    return rows


def _evidence(criteria_set_id: str, indicator_id: str, counts: Mapping[str, int] | None) -> int | None:
    """Files backing the indicator: evidence is counted per fact, so 4.2 of a district is its
    `income_per_capita` and province 3.5 both of its conditions."""
    if not counts:
        return None
    return sum(counts.get(key, 0) for key in evidence_keys(criteria_set_id, indicator_id))


def failing(assessment: Assessment, level: int) -> list[IndicatorResult]:
    return [
        result
        for criterion in assessment.levels[str(level)].criteria
        for result in criterion.indicators
        if result.status is not Status.PASS
    ]


def failing_text(assessment: Assessment, level: int) -> str:
    """ "5.1 (Thiếu số liệu); 1.2 (Không đạt)", or "—" when every indicator passes."""
    shown = [f"{result.id} ({status_label(result.status)})" for result in failing(assessment, level)]
    return "; ".join(shown) or "—"


@dataclass(frozen=True)
class CitizenFigures:
    """The 5.1 / 5.2 counts used by the scorer, where they came from and on which base."""

    citizens: int
    counts: Mapping[str, int]
    shares: Mapping[str, float]
    source: str
    base: str


def citizen_figures(assessment: Assessment) -> CitizenFigures | None:
    """From the commune 5.1 and 5.2 values, on the base the scorer used; None when the unit has no such
    indicators."""
    counts: dict[str, int] = {}
    shares: dict[str, float] = {}
    citizens, source, bases = 0, "", []
    found = False
    for indicator_id in ("5.1", "5.2"):
        try:
            value = assessment.indicator(indicator_id, 1).value
        except KeyError:
            continue
        if not isinstance(value, dict) or "citizens" not in value:
            continue
        found = True
        citizens = _int(value.get("citizens"))
        source = str(value.get("source", ""))
        counts |= {key: _int(count) for key, count in _dict(value.get("counts")).items()}
        shares |= {
            key: float(share)
            for key, share in _dict(value.get("shares")).items()
            if isinstance(share, int | float)
        }
        listed = value.get("bases")
        bases += [str(item) for item in listed] if isinstance(listed, list) else []
    if not found:
        return None
    return CitizenFigures(citizens, counts, shares, source, "; ".join(dict.fromkeys(bases)) or "chưa ghi rõ")


def _int(value: JsonValue) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _dict(value: JsonValue) -> dict[str, JsonValue]:
    return value if isinstance(value, dict) else {}
