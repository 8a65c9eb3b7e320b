"""Parse what a person typed into a typed answer, and show stored answers back, the Vietnamese way.

`parse_answer` never raises: anything not clearly readable comes back as `Rejected` with a short polite
reason and an example. The engine handles evidence and location answers itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from cdht.conversations.parsing.choices import (
    format_choice,
    format_multi_choice,
    parse_choice,
    parse_multi_choice,
)
from cdht.conversations.parsing.common import Parsed, ParseResult, Rejected, format_number
from cdht.conversations.parsing.dates import format_date, parse_date
from cdht.conversations.parsing.free_text import parse_text
from cdht.conversations.parsing.level import format_level, parse_level
from cdht.conversations.parsing.numbers import format_money, format_percent, parse_number
from cdht.conversations.parsing.yes_no import NO_TEXT, YES_TEXT, parse_yes_no

__all__ = ["ParseResult", "Parsed", "Rejected", "format_value", "parse_answer"]

NUMBER_TYPES = frozenset({"integer", "decimal", "percent", "money"})
QUESTION_TYPES = NUMBER_TYPES | {"yes_no", "choice", "multi_choice", "level", "text", "date"}


def parse_answer(
    qtype: str,
    text: str,
    *,
    choices: Sequence[tuple[str, str]] = (),
    min_value: float | None = None,
    max_value: float | None = None,
    levels: tuple[int, int] = (0, 3),
) -> ParseResult:
    """Read `text` as an answer of type `qtype`; choice returns a code, multi_choice a list of codes."""
    if qtype in NUMBER_TYPES:
        return parse_number(qtype, text, min_value, max_value)
    if qtype == "yes_no":
        return parse_yes_no(text)
    if qtype == "choice":
        return parse_choice(text, choices)
    if qtype == "multi_choice":
        return parse_multi_choice(text, choices)
    if qtype == "level":
        return parse_level(text, levels)
    if qtype == "date":
        return parse_date(text)
    if qtype == "text":
        return parse_text(text)
    if qtype == "evidence":
        return Rejected("Xin gửi ảnh chụp hoặc tệp tài liệu làm minh chứng.", "📷 ảnh biên bản họp")
    if qtype == "location":
        return Rejected("Xin gửi vị trí bằng nút 📎 → Vị trí.", "📍 vị trí hiện tại")
    return Rejected("Câu hỏi này không nhận câu trả lời bằng chữ.", "Có")


def _as_number(value: object) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def format_value(qtype: str, value: object, *, choices: Sequence[tuple[str, str]] = ()) -> str:
    """Display text for a stored value: 1250 -> "1.250", money -> "12.500.000 đ", True -> "Có"."""
    number = _as_number(value)
    if qtype in ("integer", "decimal") and number is not None:
        return format_number(int(number) if qtype == "integer" and float(number).is_integer() else number)
    if qtype == "percent" and number is not None:
        return format_percent(number)
    if qtype == "money" and number is not None and float(number).is_integer():
        return format_money(int(number))
    if qtype == "yes_no" and isinstance(value, bool):
        return YES_TEXT if value else NO_TEXT
    if qtype == "choice":
        return format_choice(value, choices)
    if qtype == "multi_choice":
        return format_multi_choice(value, choices)
    if qtype == "level" and isinstance(number, int):
        return format_level(number)
    if qtype == "date":
        return _format_date(value)
    return str(value)


def _format_date(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return format_date(value.date())
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, str):
        try:
            return format_date(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)
