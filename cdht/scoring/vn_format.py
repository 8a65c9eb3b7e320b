"""Vietnamese number writing: "." groups thousands, "," is the decimal mark ("1.250", "58,3%")."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction


def format_int(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def format_number(number: int | float | Decimal | Fraction, decimals: int = 2) -> str:
    """Rounded to `decimals`, trailing zeros dropped: 12.5 -> "12,5", 1250000 -> "1.250.000"."""
    exact = Fraction(number).limit_denominator(10**12) if isinstance(number, float) else Fraction(number)
    scale = 10**decimals
    scaled = round(exact * scale)
    whole, fraction = divmod(abs(scaled), scale)
    text = ("-" if scaled < 0 else "") + format_int(whole)
    if fraction:
        text += "," + f"{fraction:0{decimals}d}".rstrip("0")
    return text


def format_pair(first: int | float, second: int | float) -> tuple[str, str]:
    """Both numbers with just enough decimals (2 to 6) that different values never look equal."""
    for decimals in range(2, 7):
        shown = format_number(first, decimals), format_number(second, decimals)
        if shown[0] != shown[1] or first == second:
            break
    return shown


def truncated_percent(share: Fraction) -> Fraction:
    """A share in percent cut (never rounded) to one decimal, so 59,97% shows as 59,9% and not 60,0%."""
    return Fraction(math.floor(share * 10), 10)


def format_percent(share: Fraction) -> str:
    """`share` in percent: Fraction(583, 10) -> "58,3%"; always one decimal."""
    tenths = math.floor(share * 10)
    return f"{format_int(tenths // 10)},{tenths % 10}%"


def format_threshold(percent: Fraction) -> str:
    """A threshold in percent without needless decimals: 60 -> "60%", 12.5 -> "12,5%"."""
    return format_number(percent) + "%"


def percent_json(share: Fraction) -> float:
    return float(truncated_percent(share))
