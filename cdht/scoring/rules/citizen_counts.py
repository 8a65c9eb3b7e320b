"""Citizen counts for shares (commune 5.1, 5.2): the commune's own totals, or the sum of its villages.

The commune's own figures win as soon as it enters the denominator; otherwise every village must
have reported valid counts, else the tally carries a problem and the partial sum for display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdht.scoring import values
from cdht.scoring.facts import Fact, UnitFacts

BASE_LABELS = {
    "all": "toàn bộ công dân",
    "age15plus": "công dân từ 15 tuổi trở lên",
    "registered": "công dân đăng ký thường trú",
}
_NAMES_SHOWN = 5
_OWN_SOURCE = "số liệu do xã nhập"


@dataclass(frozen=True)
class Tally:
    denominator: int
    counts: Mapping[str, int]
    source: str
    """"commune" (the commune entered its totals) or "villages" (summed)."""
    source_text: str
    bases: tuple[str, ...] = ()
    unreported: tuple[str, ...] = ()
    invalid: tuple[str, ...] = ()
    problem: str | None = None


@dataclass(frozen=True)
class CountSpec:
    """Which facts to read: `limits` pairs (smaller, larger) a valid answer must respect."""

    denominator: str
    numerators: Sequence[str]
    labels: Mapping[str, str]
    limits: Sequence[tuple[str, str]] = field(default=())
    base_fact: str | None = None


def tally_citizens(unit: UnitFacts, spec: CountSpec, child_tier: str | None) -> Tally:
    if child_tier is None or values.raw(unit.facts, spec.denominator) is not None:
        return _own(unit, spec)
    return _summed(unit, spec, child_tier)


def _read(facts: Mapping[str, Fact], spec: CountSpec) -> dict[str, int | values.Invalid | None]:
    keys = [spec.denominator, *spec.numerators]
    return {key: values.as_count(values.raw(facts, key)) for key in keys}


def _within_limits(counts: Mapping[str, int], spec: CountSpec) -> bool:
    pairs = [(key, spec.denominator) for key in spec.numerators] + list(spec.limits)
    return all(counts[small] <= counts[large] for small, large in pairs)


def _bases(facts: Mapping[str, Fact], spec: CountSpec) -> tuple[str, ...]:
    base = values.raw(facts, spec.base_fact) if spec.base_fact else None
    return (BASE_LABELS.get(base, base),) if isinstance(base, str) and base.strip() else ()


def _own(unit: UnitFacts, spec: CountSpec) -> Tally:
    read = _read(unit.facts, spec)
    counts = {key: value for key, value in read.items() if isinstance(value, int)}
    bases = _bases(unit.facts, spec)
    problem = _own_problem(read, counts, spec)
    if problem is None:
        return Tally(counts[spec.denominator], counts, "commune", _OWN_SOURCE, bases)
    return Tally(0, {}, "commune", _OWN_SOURCE, bases, problem=f"{problem} ({_OWN_SOURCE})")


def _own_problem(
    read: Mapping[str, int | values.Invalid | None], counts: Mapping[str, int], spec: CountSpec
) -> str | None:
    invalid = [
        f"{spec.labels[key]}: {value.shown}"
        for key, value in read.items()
        if isinstance(value, values.Invalid)
    ]
    if invalid:
        return f"số liệu không hợp lệ ({'; '.join(invalid)}) — cần sửa lại số liệu"
    absent = [spec.labels[key] for key, value in read.items() if value is None]
    if absent:
        return f"chưa có số liệu: {', '.join(absent)}"
    if not _within_limits(counts, spec):
        return "số liệu không hợp lệ (một số đếm lớn hơn nhóm chứa nó) — cần sửa lại số liệu"
    return None


def _summed(unit: UnitFacts, spec: CountSpec, child_tier: str) -> Tally:
    villages = [child for child in unit.children if child.tier == child_tier]
    if not villages:
        return Tally(
            0, {}, "villages", "", problem="chưa có số liệu: xã chưa nhập tổng số và chưa có thôn nào báo cáo"
        )
    totals = dict.fromkeys([spec.denominator, *spec.numerators], 0)
    unreported: list[str] = []
    invalid: list[str] = []
    bases: list[str] = []
    for village in villages:
        read = _read(village.facts, spec)
        counts = {key: value for key, value in read.items() if isinstance(value, int)}
        if len(counts) < len(read):
            is_invalid = any(isinstance(value, values.Invalid) for value in read.values())
            (invalid if is_invalid else unreported).append(village.unit_name)
        elif not _within_limits(counts, spec):
            invalid.append(village.unit_name)
        else:
            for key, count in counts.items():
                totals[key] += count
            bases.extend(base for base in _bases(village.facts, spec) if base not in bases)
    reported = len(villages) - len(unreported) - len(invalid)
    problems = []
    if unreported:
        problems.append(f"còn {len(unreported)}/{len(villages)} thôn chưa báo cáo ({_names(unreported)})")
    if invalid:
        problems.append(f"{len(invalid)} thôn có số liệu không hợp lệ ({_names(invalid)}) — cần sửa lại")
    return Tally(
        totals[spec.denominator],
        totals,
        "villages",
        f"tổng hợp từ {reported} thôn",
        _bases(unit.facts, spec) or tuple(bases),
        tuple(unreported),
        tuple(invalid),
        problem="; ".join(problems) or None,
    )


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_NAMES_SHOWN])
    return shown if len(names) <= _NAMES_SHOWN else f"{shown} và {len(names) - _NAMES_SHOWN} thôn khác"
