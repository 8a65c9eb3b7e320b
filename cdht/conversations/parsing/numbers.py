"""Integer, decimal, percent and money answers."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from cdht.conversations.parsing.amount import (
    HALF,
    MEANINGFUL_WORDS,
    SCALES,
    ZERO_PHRASES,
    Amount,
    Token,
    drop_prefix_words,
    read_amount,
    tokenize,
)
from cdht.conversations.parsing.common import (
    MAX_SHORT_ANSWER,
    TRAILING_PARTICLES,
    Parsed,
    ParseResult,
    Rejected,
    clean,
    finite_or_none,
    fold_answer,
    format_number,
    group_thousands,
    strip_particles,
)

MAX_MAGNITUDE = Decimal(10**15)  # a million tỷ đồng: anything bigger is a typing slip
MAX_UNIT_WORDS = 8
CURRENCY_WORDS = frozenset({"d", "dong", "vnd"})
_MONEY_TAIL = CURRENCY_WORDS | TRAILING_PARTICLES | {"chan"}  # "12.500.000 đồng chẵn ạ"
_NOT_UNITS = MEANINGFUL_WORDS | SCALES.keys() | {HALF}
_COMMA_THOUSANDS = re.compile(r"(?<![0-9,.])[0-9]{1,3},[0-9]{3}(?![0-9,.])")  # "1,250": English grouping?


def format_money(value: int) -> str:
    return f"{group_thousands(value)} đ"


def format_percent(value: float) -> str:
    return f"{format_number(value)}%"


@dataclass(frozen=True)
class _Kind:
    noun: str  # how a bound reason names the value: "Số phải từ 0 đến 10.000"
    hint: str  # what to type, completed by ", ví dụ: <example>"
    example: float
    whole: bool  # integers only (integer, money)
    render: Callable[[float], str]


_KINDS = {
    "integer": _Kind("Số", "Xin nhập một số nguyên", 1250, True, format_number),
    "decimal": _Kind("Số", "Xin nhập một số", 12.5, False, format_number),
    "percent": _Kind("Tỷ lệ", "Xin nhập tỷ lệ phần trăm", 12.5, False, format_percent),
    "money": _Kind("Số tiền", "Xin nhập số tiền", 12_500_000, True, lambda v: format_money(round(v))),
}


def _example(kind: _Kind, low: float | None, high: float | None) -> float:
    def fits(value: float) -> bool:
        return (low is None or value >= low) and (high is None or value <= high)

    candidates = [kind.example]
    if high is not None:
        candidates.append(math.floor(high) if kind.whole else high)
    if low is not None:
        candidates.append(math.ceil(low) if kind.whole else low)
    return next((value for value in candidates if fits(value)), kind.example)


def _bound_reason(kind: _Kind, low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{kind.noun} phải từ {kind.render(low)} đến {kind.render(high)}."
    if low is not None:
        return f"{kind.noun} phải từ {kind.render(low)} trở lên."
    return f"{kind.noun} không được lớn hơn {kind.render(high or 0)}."


def _rest_problem(qtype: str, rest: tuple[Token, ...]) -> str | None:
    """What follows the number: units for counts ("1.250 hộ"), '%' for percent, 'đồng' for money."""
    words = [token.text for token in rest]
    if qtype == "money":
        return None if all(word in _MONEY_TAIL for word in words) else "Chưa hiểu phần chữ sau con số."
    if qtype == "percent" and words[:1] == ["%"]:
        words = words[1:]
    elif qtype == "percent" and words[:2] == ["phan", "tram"]:
        words = words[2:]
    if "%" in words:
        return "Câu hỏi này không hỏi tỷ lệ phần trăm."
    if len(words) > MAX_UNIT_WORDS or any(word in _NOT_UNITS for word in words):
        return "Chưa hiểu phần chữ sau con số."
    return None


def _read(qtype: str, text: str) -> Amount | str:
    """The amount, or the first sentence of a rejection."""
    cleaned = clean(text)
    if not cleaned:
        return "Chưa thấy câu trả lời."
    if len(cleaned) > MAX_SHORT_ANSWER:
        return "Câu trả lời dài quá."
    folded = fold_answer(cleaned.replace("−", "-").replace("–", "-"))
    words = strip_particles(folded.split(" "))
    if " ".join(words) in ZERO_PHRASES:
        return Amount(Decimal(0), scaled=False, dotted=False, rest=())
    tokens = tokenize(" ".join(words))
    if tokens is None:
        return "Chưa đọc được số."
    amount = read_amount(drop_prefix_words(tokens))
    if amount == "several":
        return "Câu trả lời có hơn một con số."
    if amount == "unreadable":
        return "Chưa đọc được số."
    if amount.scaled and qtype == "percent":
        return "Chưa đọc được số."
    if amount.dotted and _KINDS[qtype].whole:
        return "Chưa rõ số này: dấu chấm dùng để tách hàng nghìn (1.250 là một nghìn hai trăm năm mươi)."
    problem = _rest_problem(qtype, amount.rest)
    return problem if problem is not None else amount


def parse_number(qtype: str, text: str, min_value: float | None, max_value: float | None) -> ParseResult:
    """qtype is integer, decimal, percent or money."""
    kind = _KINDS[qtype]
    low, high = finite_or_none(min_value), finite_or_none(max_value)
    if qtype == "percent":
        low = 0.0 if low is None else low
        high = 100.0 if high is None else high
    example = kind.render(_example(kind, low, high))
    hint = f"{kind.hint}, ví dụ: {example}"
    amount = _read(qtype, text)
    if isinstance(amount, str):
        return Rejected(f"{amount} {hint}", example)
    value = amount.value
    if abs(value) > MAX_MAGNITUDE:
        return Rejected(f"Số quá lớn, xin kiểm tra lại. {hint}", example)
    if kind.whole and value != value.to_integral_value():
        if _COMMA_THOUSANDS.search(text):
            detail = "Dấu phẩy là dấu thập phân; hàng nghìn tách bằng dấu chấm (1.250)."
        else:
            detail = "Số tiền tính tròn đồng." if qtype == "money" else "Số này có phần lẻ."
        return Rejected(f"{detail} {hint}", example)
    if value < 0 and low is None:
        return Rejected(f"{kind.noun} không được âm. {hint}", example)
    if (low is not None and value < Decimal(low)) or (high is not None and value > Decimal(high)):
        return Rejected(_bound_reason(kind, low, high), example)
    if kind.whole:
        whole = int(value)
        return Parsed(whole, format_money(whole) if qtype == "money" else format_number(whole))
    number = float(value) + 0.0  # no -0.0
    return Parsed(number, kind.render(number))
