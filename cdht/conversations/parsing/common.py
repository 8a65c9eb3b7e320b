"""Shared pieces of answer parsing: the result types, input cleaning, Vietnamese number display."""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from cdht.conversations.parsing.folding import fold, nfc


@dataclass(frozen=True)
class Parsed:
    value: int | float | bool | str | list[str] | datetime.date
    display: str  # how to confirm it back in Vietnamese: "1.250", "12,5%", "12.500.000 đ", "Có", "Mức 2"


@dataclass(frozen=True)
class Rejected:
    reason: str  # short polite Vietnamese, e.g. "Xin nhập một số nguyên, ví dụ: 1.250"
    example: str  # one short example of a good answer, e.g. "1.250"


ParseResult = Parsed | Rejected

MAX_SHORT_ANSWER = 200  # numbers, dates, yes/no and levels are short; longer input is a paste or a mistake
MAX_CHOICE_ANSWER = 1000

# Polite particles around a short answer: "dạ có", "có ạ", "vâng", "thưa ...", "... nhé".
LEADING_PARTICLES = frozenset({"da", "thua", "vang"})
TRAILING_PARTICLES = frozenset({"a", "nhe", "nha"})

_TRAILING_PUNCTUATION = re.compile(r"[\s.!?,;:…~]+$")
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0f\ufe0e\u200d\u200b\u200c\u2060\ufeff"))


def phrases(listing: str) -> frozenset[str]:
    """A set of folded words or phrases written as one '|'-separated string, to keep long lists compact."""
    return frozenset(listing.split("|"))


def clean(text: str) -> str:
    """NFC, invisible joiners and emoji variation selectors removed, surrounding spaces trimmed."""
    return nfc(text).translate(_INVISIBLE).strip()


def fold_answer(text: str) -> str:
    """Folded (no accents, lowercase, single spaces) with trailing punctuation dropped: 'Có ạ.' -> 'co a'."""
    return _TRAILING_PUNCTUATION.sub("", fold(text))


def strip_particles(words: list[str]) -> list[str]:
    """Drop polite particles but never the last word: 'da co a' -> 'co', 'vang a' -> 'vang'."""
    while len(words) > 1 and words[-1] in TRAILING_PARTICLES:
        words = words[:-1]
    while len(words) > 1 and words[0] in LEADING_PARTICLES:
        words = words[1:]
    return words


def quote(text: str, limit: int = 30) -> str:
    """A piece of what the person typed, quoted back in a reason."""
    short = text if len(text) <= limit else text[:limit].rstrip() + "…"
    return f"“{short}”"


def group_thousands(number: int) -> str:
    """1250000 -> '1.250.000', -1250 -> '-1.250'."""
    sign = "-" if number < 0 else ""
    return sign + f"{abs(number):,}".replace(",", ".")


def format_number(number: int | float | Decimal) -> str:
    """Vietnamese writing: '.' groups thousands, ',' is the decimal mark, at most 6 decimals: 1250.5 -> '1.250,5'."""
    if isinstance(number, bool):
        return str(int(number))
    if isinstance(number, int):
        return group_thousands(number)
    if not math.isfinite(number):
        return str(number)
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    whole, _, fraction = text.partition(".")
    if not fraction and int(whole) == 0:
        sign = ""  # -0.0000001 shows as 0, not -0
    return sign + group_thousands(int(whole)) + (f",{fraction}" if fraction else "")


def finite_or_none(bound: float | None) -> float | None:
    """Bounds come from questionnaire data; a NaN or infinite bound means no bound."""
    if bound is None or not math.isfinite(bound):
        return None
    return bound
