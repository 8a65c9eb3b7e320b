"""An indicator's value and threshold as document text and as spreadsheet cells.

The shapes are those of JSON_SHAPE.md in `cdht.scoring`; an int is a level or a count depending on
the rule, which the packaged criteria set tells (unknown sets fall back to a plain number).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from cdht.scoring import Indicator, JsonValue, load_criteria_set
from cdht.scoring.vn_format import format_int, format_number

CellKind = Literal["text", "count", "percent", "level", "at_least", "at_least_level", "at_least_percent"]
PART_LABELS = {"learning": "công dân học tập", "trained": "qua đào tạo", "university": "đại học trở lên"}
_TREND = {"rises": "tăng so với năm trước", "falls": "giảm so với năm trước"}


@dataclass(frozen=True)
class Cell:
    """A spreadsheet cell: numbers stay numbers (`kind` picks the number format), None stays empty."""

    value: str | int | float | None
    kind: CellKind = "text"


def _indicator(criteria_set_id: str, indicator_id: str) -> Indicator | None:
    try:
        criteria_set = load_criteria_set(criteria_set_id)
    except KeyError:
        return None
    return next((indicator for indicator in criteria_set.indicators if indicator.id == indicator_id), None)


def rule_type(criteria_set_id: str, indicator_id: str) -> str | None:
    indicator = _indicator(criteria_set_id, indicator_id)
    return None if indicator is None else str(indicator.rule.type)


def evidence_keys(criteria_set_id: str, indicator_id: str) -> tuple[str, ...]:
    """The facts whose evidence backs the indicator (evidence is stored per fact); the id itself when the
    set is unknown (a commune's yes/no facts are named after their indicator)."""
    indicator = _indicator(criteria_set_id, indicator_id)
    return (indicator_id,) if indicator is None else tuple(indicator.rule.evidence_facts())


def needs_evidence(criteria_set_id: str, indicator_id: str) -> bool:
    """Whether the criteria data asks this indicator for evidence (FACTS.md); unknown sets: yes."""
    indicator = _indicator(criteria_set_id, indicator_id)
    return indicator is None or indicator.evidence.required


def _percent(share: float) -> str:
    """Shares arrive cut to one decimal (JSON_SHAPE.md); always show that decimal: "65,0%"."""
    return f"{share:.1f}".replace(".", ",") + "%"


def _shares_text(value: Mapping[str, JsonValue]) -> str:
    counts, shares, citizens = value.get("counts"), value.get("shares"), value.get("citizens")
    if not isinstance(shares, dict) or not shares or not isinstance(counts, dict):
        return "—"
    parts = []
    for key, share in shares.items():
        count = counts.get(key)
        fraction = (
            f" ({format_int(count)}/{format_int(citizens)})"
            if isinstance(count, int) and isinstance(citizens, int)
            else ""
        )
        label = "" if len(shares) == 1 else PART_LABELS.get(key, key) + " "
        parts.append(
            f"{label}{_percent(float(share)) if isinstance(share, int | float) else share}{fraction}"
        )
    return "; ".join(parts)


def value_text(value: JsonValue, rule: str | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int) and rule == "level_at_least":
        return f"mức {value}"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, dict):
        if rule == "all_of":  # one value per condition (province 3.5), in the criteria data's order
            return "; ".join(value_text(part) for part in value.values())
        if "shares" in value:
            return _shares_text(value)
        if "recognised" in value and "total" in value:
            return f"{value['recognised']}/{value['total']} ({_percent(_float(value.get('share')))})"
        if "current" in value:
            previous = value.get("previous")
            shown = "—" if not isinstance(previous, int | float) else format_number(previous)
            current = value["current"]
            return (
                f"{format_number(current) if isinstance(current, int | float) else '—'} (năm trước: {shown})"
            )
    return str(value)


def threshold_text(threshold: JsonValue, rule: str | None = None) -> str:
    if isinstance(threshold, bool):
        return "Có" if threshold else "Không"
    if isinstance(threshold, int) and rule == "level_at_least":
        return f"≥ mức {threshold}"
    if isinstance(threshold, int):
        return f"≥ {format_int(threshold)}"
    if isinstance(threshold, float):
        return f"≥ {format_number(threshold)}%"
    if isinstance(threshold, str):
        return _TREND.get(threshold, threshold)
    if isinstance(threshold, dict):
        if rule == "all_of":
            return "; ".join(threshold_text(part) for part in threshold.values())
        if "share" in threshold:
            return (
                f"≥ {format_number(_float(threshold['share']))}% đạt mức độ {threshold.get('level')} trở lên"
            )
        return "; ".join(
            f"{PART_LABELS.get(key, key)} ≥ {format_number(_float(share))}%"
            for key, share in threshold.items()
        )
    return "—" if threshold is None else str(threshold)


def value_cell(value: JsonValue, rule: str | None = None) -> Cell:
    if value is None:
        return Cell(None)
    if isinstance(value, int) and not isinstance(value, bool):
        return Cell(value, "level" if rule == "level_at_least" else "count")
    if isinstance(value, dict):
        shares = value.get("shares")
        if isinstance(shares, dict) and len(shares) == 1:
            (share,) = shares.values()
            return Cell(_float(share) / 100, "percent")
        if "recognised" in value and isinstance(value.get("share"), int | float):
            return Cell(_float(value["share"]) / 100, "percent")
    return Cell(value_text(value, rule))


def threshold_cell(threshold: JsonValue, rule: str | None = None) -> Cell:
    if isinstance(threshold, int) and not isinstance(threshold, bool):
        return Cell(threshold, "at_least_level" if rule == "level_at_least" else "at_least")
    if isinstance(threshold, float):
        return Cell(threshold / 100, "at_least_percent")
    return Cell(threshold_text(threshold, rule))


def _float(value: JsonValue) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
