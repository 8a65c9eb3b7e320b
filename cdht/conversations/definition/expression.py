"""The relevance language: a tiny, safe condition language over answers (never `eval`).

    citizens > 0 and (lifelong_week == true or answered(clubs))
    not difficult_area
    citizen_base == 'registered'
    selected(activities, 'reading')

A question that has not been answered (or is not relevant) makes every comparison that names it false.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

LiteralValue = float | str | bool


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Literal:
    value: LiteralValue


Operand = Ref | Literal


@dataclass(frozen=True)
class Compare:
    left: Operand
    op: str
    right: Operand


@dataclass(frozen=True)
class IsTrue:
    """A bare question id: true when that yes/no question was answered "yes"."""

    name: str


@dataclass(frozen=True)
class Answered:
    name: str


@dataclass(frozen=True)
class Selected:
    name: str
    code: str


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class And:
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Expr, ...]


Expr = Compare | IsTrue | Answered | Selected | Not | And | Or


def references(expr: Expr) -> list[str]:
    """The question ids an expression reads, in order of appearance, without repeats."""
    found: list[str] = []
    _collect(expr, found)
    return list(dict.fromkeys(found))


def _collect(expr: Expr, found: list[str]) -> None:
    match expr:
        case Compare(left, _, right):
            found.extend(side.name for side in (left, right) if isinstance(side, Ref))
        case IsTrue(name) | Answered(name) | Selected(name, _):
            found.append(name)
        case Not(operand):
            _collect(operand, found)
        case And(operands) | Or(operands):
            for operand in operands:
                _collect(operand, found)


def evaluate(expr: Expr, values: Mapping[str, object]) -> bool:
    """Evaluate against the answers of relevant questions (absent key = not answered)."""
    match expr:
        case Compare(left, op, right):
            return _compare(_resolve(left, values), op, _resolve(right, values))
        case IsTrue(name):
            return values.get(name) is True
        case Answered(name):
            return name in values
        case Selected(name, code):
            selected = values.get(name)
            return isinstance(selected, list) and code in selected
        case Not(operand):
            return not evaluate(operand, values)
        case And(operands):
            return all(evaluate(operand, values) for operand in operands)
        case Or(operands):
            return any(evaluate(operand, values) for operand in operands)
    return False  # pragma: no cover - the match above is exhaustive


def _resolve(operand: Operand, values: Mapping[str, object]) -> object:
    if isinstance(operand, Ref):
        return values.get(operand.name)
    return operand.value


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def _compare(left: object, op: str, right: object) -> bool:
    if isinstance(left, datetime.date):
        left = left.isoformat()
    if isinstance(right, datetime.date):
        right = right.isoformat()
    if _is_number(left) and _is_number(right):
        return _ORDER[op](float(left), float(right))
    if isinstance(left, str) and isinstance(right, str):
        return _ORDER[op](left, right)
    if isinstance(left, bool) and isinstance(right, bool) and op in ("==", "!="):
        return _ORDER[op](left, right)
    return False
