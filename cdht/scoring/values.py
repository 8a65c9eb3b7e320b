"""Read fact values defensively: a wrong type becomes `Invalid`, never an exception."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from cdht.scoring.facts import Fact, FactValue


@dataclass(frozen=True, slots=True)
class Invalid:
    """A value of the wrong type or out of range; `shown` is how it is quoted back to the user."""

    shown: str

    @property
    def explanation(self) -> str:
        return f"giá trị không hợp lệ ({self.shown}) — cần sửa lại số liệu"


def _invalid(value: object) -> Invalid:
    shown = repr(value)
    return Invalid(shown if len(shown) <= 30 else shown[:29] + "…")


def raw(facts: Mapping[str, Fact], key: str) -> FactValue:
    fact = facts.get(key)
    return None if fact is None else fact.value


def evidence(facts: Mapping[str, Fact], key: str) -> int:
    fact = facts.get(key)
    return 0 if fact is None else max(fact.evidence_count, 0)


def as_flag(value: object) -> bool | Invalid | None:
    if value is None or isinstance(value, bool):
        return value
    return _invalid(value)


def as_number(value: object) -> int | float | Invalid | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _invalid(value)
    if isinstance(value, float) and not math.isfinite(value):
        return _invalid(value)
    return value


def as_count(value: object, maximum: int | None = None) -> int | Invalid | None:
    """A whole number >= 0 (and <= maximum); an integral float such as 12.0 is accepted."""
    number = as_number(value)
    if number is None or isinstance(number, Invalid):
        return number
    if isinstance(number, float):
        if not number.is_integer():
            return _invalid(value)
        number = int(number)
    if number < 0 or (maximum is not None and number > maximum):
        return _invalid(value)
    return number
