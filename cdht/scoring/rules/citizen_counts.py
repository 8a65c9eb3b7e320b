"""Citizen counts for shares (commune 5.1, 5.2): the commune's own totals, or the sum of its villages.

The commune's own figures win as soon as it enters the denominator; otherwise every village must
have reported valid counts, else the tally carries a problem and the partial sum for display.

The base (which citizens are counted) is the commune's declared `base_fact`, `all` while it declares none;
a village's counts were counted on its own `base_fact` (what it was asked for), `all` when absent (villages
were asked for everyone before the base worded their question). A village counted on another base than the
commune's is not summed: the tally names it, to count again. The base reported is the one the sum is on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdht.scoring import values
from cdht.scoring.facts import Fact, UnitFacts

DEFAULT_BASE = "all"
BASE_LABELS = {  # as the village question's variants name them (village_head.yaml `citizens`)
    "all": "toàn bộ công dân",
    "age15plus": "công dân từ 15 tuổi trở lên",
    "registered": "công dân có đăng ký cư trú tại xã",
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
    recount: tuple[str, ...] = ()
    """Villages counted on another base than the commune's: not summed, they must count again."""
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


def base_label(base: str) -> str:
    return BASE_LABELS.get(base, base)


def _base(facts: Mapping[str, Fact], spec: CountSpec) -> str | None:
    """The base a unit counts on (None when the rule reads none): its `base_fact`, else the default."""
    if not spec.base_fact:
        return None
    base = values.raw(facts, spec.base_fact)
    text = str(base).strip() if base is not None else ""
    return text or DEFAULT_BASE


def _bases(facts: Mapping[str, Fact], spec: CountSpec) -> tuple[str, ...]:
    base = _base(facts, spec)
    return () if base is None else (base_label(base),)


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
    recount: list[str] = []
    otherwise: dict[str, list[str]] = {}  # base counted on -> villages
    declared = _base(unit.facts, spec)
    for village in villages:
        read = _read(village.facts, spec)
        counts = {key: value for key, value in read.items() if isinstance(value, int)}
        counted_on = _base(village.facts, spec)
        if len(counts) < len(read):
            is_invalid = any(isinstance(value, values.Invalid) for value in read.values())
            (invalid if is_invalid else unreported).append(village.unit_name)
        elif not _within_limits(counts, spec):
            invalid.append(village.unit_name)
        elif counted_on != declared:
            recount.append(village.unit_name)
            otherwise.setdefault(base_label(counted_on or ""), []).append(village.unit_name)
        else:
            for key, count in counts.items():
                totals[key] += count
    reported = len(villages) - len(unreported) - len(invalid) - len(recount)
    problems = []
    if unreported:
        problems.append(f"còn {len(unreported)}/{len(villages)} thôn chưa báo cáo ({_names(unreported)})")
    if invalid:
        problems.append(f"{len(invalid)} thôn có số liệu không hợp lệ ({_names(invalid)}) — cần sửa lại")
    if recount:
        counted = "; ".join(f"{label}: {_names(names)}" for label, names in otherwise.items())
        problems.append(
            f"{len(recount)} thôn đếm số công dân theo cách khác với cách tính của xã ({counted}) — "
            f"cần đếm lại theo cách tính của xã: {base_label(declared or '')}"
        )
    return Tally(
        totals[spec.denominator],
        totals,
        "villages",
        f"tổng hợp từ {reported} thôn",
        _bases(unit.facts, spec),
        tuple(unreported),
        tuple(invalid),
        tuple(recount),
        problem="; ".join(problems) or None,
    )


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_NAMES_SHOWN])
    return shown if len(names) <= _NAMES_SHOWN else f"{shown} và {len(names) - _NAMES_SHOWN} thôn khác"
