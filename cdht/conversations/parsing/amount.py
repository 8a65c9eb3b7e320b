"""Read one amount out of a folded answer the way Vietnamese people write numbers.

'.' groups thousands and ',' is the decimal mark ("1.250" = 1250, "12,5" = 12.5); spaces may group thousands
("1 250"); money and counts use scale words ("12,5 triệu", "1 tỷ 2" = 1,2 tỷ, "2tr5", "2 triệu rưỡi", "500k").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from cdht.conversations.parsing.common import phrases

SCALES = {"ty": 10**9, "ti": 10**9, "trieu": 10**6, "tr": 10**6, "nghin": 10**3, "ngan": 10**3, "k": 10**3}
HALF = "ruoi"  # rưỡi: "2 triệu rưỡi" = 2.500.000

# Words that may come before the number without changing it: "khoảng 300" (an estimate), "tổng cộng 300",
# "dạ có 300", "số lượng là 300".
PREFIX_WORDS = phrases(
    "khoang|chung|tam|gan|xap|xi|uoc|tinh|co|la|tong|cong|so|luong|duoc|hien|nay|da|thua|vang|con|tat|ca"
)

# Words that must not be taken for a unit after the number, because they change it: spelled numbers
# ("3 trăm"), ranges ("300 đến 400"), comparisons ("300 trở xuống"), arithmetic, a spoken decimal mark.
MEANINGFUL_WORDS = phrases(
    "tram|muoi|chuc|van|le|linh|nua|ruoi|phay|cham|den|toi|hoac|hay|khong|chua|hon|duoi|tren|"
    "xuong|tru|cong|nhan|chia|x|phan|m|b|bao|nhieu"
)

ZERO_PHRASES = frozenset({"khong", "khong co", "chua co", "ko", "ko co", "k co", "khong co ai", "chua co ai"})

_SPACE_GROUPS = re.compile(r"(?<![0-9.,])([0-9]{1,3})((?: [0-9]{3})+)(?![0-9.])")
_TOKEN = re.compile(r"\s*(?:(?P<num>[-+]?[0-9](?:[0-9.,]*[0-9])?)|(?P<word>[a-z]+)|(?P<pct>%))")
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?:,[0-9]+)?")
_PLAIN = re.compile(r"[0-9]+(?:,[0-9]+)?")
_DOTTED = re.compile(r"[0-9]+\.[0-9]+")
_SHORT_TAIL = re.compile(r"[0-9]|[0-9]{3}")  # "1 tỷ 25": 1,025 or 1,25 tỷ? Ask again

TokenKind = Literal["num", "word", "pct"]
AmountError = Literal["unreadable", "several"]


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str


@dataclass(frozen=True)
class Amount:
    value: Decimal
    scaled: bool  # a scale word was used ("triệu", "k")
    dotted: bool  # written "1.25": a dot not followed by exactly three digits, read as a decimal mark
    rest: tuple[Token, ...]  # what follows the amount: units, "%", currency


def tokenize(folded: str) -> list[Token] | None:
    """Numbers, words and '%'; None when anything else is in the text (emoji, brackets, stray dots)."""
    text = _SPACE_GROUPS.sub(lambda m: m.group(1) + m.group(2).replace(" ", ""), folded)
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            return None if text[position:].strip() else tokens
        if match.lastgroup == "num":
            tokens.append(Token("num", match.group("num")))
        elif match.lastgroup == "word":
            tokens.append(Token("word", match.group("word")))
        else:
            tokens.append(Token("pct", "%"))
        position = match.end()
    return tokens


@dataclass(frozen=True)
class _Literal:
    value: Decimal
    dotted: bool


def _read_literal(text: str) -> _Literal | None:
    if _GROUPED.fullmatch(text):
        return _Literal(Decimal(text.replace(".", "").replace(",", ".")), dotted=False)
    if _PLAIN.fullmatch(text):
        return _Literal(Decimal(text.replace(",", ".")), dotted=False)
    if _DOTTED.fullmatch(text):
        return _Literal(Decimal(text), dotted=True)
    return None


def _is_scale(tokens: list[Token], index: int) -> bool:
    return index < len(tokens) and tokens[index].kind == "word" and tokens[index].text in SCALES


def read_amount(tokens: list[Token]) -> Amount | AmountError:
    """One amount at the start of `tokens` (prefix words already dropped), made of segments with strictly
    decreasing scales, optionally ended by "rưỡi" or a short tail ("1 tỷ 2" = 1.200.000.000)."""
    if not tokens or tokens[0].kind != "num":
        return "unreadable"
    first = tokens[0].text
    negative = first.startswith("-")
    tokens = [Token("num", first.lstrip("+-")), *tokens[1:]]
    total = Decimal(0)
    last_scale: int | None = None
    dotted = False
    index = 0
    while True:
        literal = _read_literal(tokens[index].text)
        if literal is None:
            return "unreadable"
        index += 1
        if not _is_scale(tokens, index):
            if last_scale is not None:
                return "unreadable"
            total, dotted = literal.value, literal.dotted
            break
        scale = SCALES[tokens[index].text]
        if last_scale is not None and scale >= last_scale:
            return "unreadable"
        total += literal.value * scale
        last_scale = scale
        index += 1
        if index < len(tokens) and tokens[index] == Token("word", HALF):
            if literal.value != literal.value.to_integral_value():
                return "unreadable"
            total += Decimal(scale) / 2
            index += 1
            break
        if index < len(tokens) and tokens[index].kind == "num":
            if tokens[index].text[0] in "+-":
                return "several"
            if _is_scale(tokens, index + 1):
                continue
            tail = tokens[index].text
            if _SHORT_TAIL.fullmatch(tail):  # "2tr5", "1 tỷ 250": digits of the next lower places
                total += Decimal(int(tail)) * scale / 10 ** len(tail)
            else:  # "1 triệu 250.000" or "1 triệu 250000", never "1 tỷ 2500"
                absolute = _read_literal(tail)
                full_width = "." in tail or len(tail) == len(str(scale)) - 1
                if absolute is None or absolute.dotted or absolute.value >= scale or not full_width:
                    return "unreadable"
                total += absolute.value
            index += 1
        break
    rest = tuple(tokens[index:])
    if any(token.kind == "num" for token in rest):
        return "several"
    return Amount(-total if negative else total, last_scale is not None, dotted, rest)


def drop_prefix_words(tokens: list[Token]) -> list[Token]:
    index = 0
    while index < len(tokens) and tokens[index].kind == "word" and tokens[index].text in PREFIX_WORDS:
        index += 1
    return tokens[index:]
