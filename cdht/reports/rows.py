"""An assessment flattened for tables: one row per indicator with both levels side by side."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdht.reports.figures import rule_type
from cdht.reports.labels import status_label
from cdht.scoring import Assessment, IndicatorResult, JsonValue, Status
from cdht.scoring.rules.citizen_counts import BASE_LABELS


@dataclass(frozen=True)
class IndicatorRow:
    criterion_id: str
    criterion_name: str
    level_1: IndicatorResult
    level_2: IndicatorResult
    rule: str | None
    evidence: int | None

    @property
    def id(self) -> str:
        return self.level_1.id

    @property
    def name(self) -> str:
        return self.level_1.name

    @property
    def explanation(self) -> str:
        if self.level_1.explanation == self.level_2.explanation:
            return self.level_1.explanation
        return f"Mức độ 1: {self.level_1.explanation}\nMức độ 2: {self.level_2.explanation}"


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
                    evidence=evidence_counts.get(result_1.id, 0) if evidence_counts else None,
                )
            )
    return rows


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


def citizen_figures(assessment: Assessment, base: str | None = None) -> CitizenFigures | None:
    """From the commune 5.1 and 5.2 values; None when the unit has no such indicators."""
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
    shown_base = BASE_LABELS.get(base, base) if base else "; ".join(dict.fromkeys(bases))
    return CitizenFigures(citizens, counts, shares, source, shown_base or "chưa ghi rõ")


def _int(value: JsonValue) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _dict(value: JsonValue) -> dict[str, JsonValue]:
    return value if isinstance(value, dict) else {}
