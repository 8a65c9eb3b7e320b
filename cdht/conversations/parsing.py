"""Parse free-text answers typed by Vietnamese officials (stub, being filled in)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Parsed:
    value: int | float | bool | str | list[str] | datetime.date
    display: str


@dataclass(frozen=True)
class Rejected:
    reason: str
    example: str


ParseResult = Parsed | Rejected


def parse_answer(
    qtype: str,
    text: str,
    *,
    choices: Sequence[tuple[str, str]] = (),
    min_value: float | None = None,
    max_value: float | None = None,
    levels: tuple[int, int] = (0, 3),
) -> ParseResult:
    return Rejected("Xin trả lời lại.", "")


def format_value(qtype: str, value: object, *, choices: Sequence[tuple[str, str]] = ()) -> str:
    return str(value)
