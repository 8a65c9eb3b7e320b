"""Dates, always day first: "5/10/2024", "05-10-24", "5.10.2024", "ngày 5 tháng 10 năm 2024", "2024-10-05"."""

from __future__ import annotations

import datetime
import re

from cdht.conversations.parsing.common import (
    MAX_SHORT_ANSWER,
    Parsed,
    ParseResult,
    Rejected,
    clean,
    fold_answer,
    strip_particles,
)

EXAMPLE = "05/10/2024"
FIRST_YEAR, LAST_YEAR = 1900, 2100
_HINT = f"Xin nhập ngày/tháng/năm, ví dụ: {EXAMPLE}"

_SEP = r"\s*[/.\-]\s*"
_DAY_FIRST = re.compile(rf"([0-9]{{1,2}}){_SEP}([0-9]{{1,2}})(?:{_SEP}([0-9]{{1,4}}))?")
_IN_WORDS = re.compile(r"(?:ngay\s*)?([0-9]{1,2})\s*thang\s*([0-9]{1,2})(?:\s*,?\s*(?:nam\s*)?([0-9]{1,4}))?")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def format_date(value: datetime.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _parts(folded: str) -> tuple[int, int, str | None] | None:
    words = strip_particles(folded.split())
    if len(words) > 1 and words[0] == "ngay":
        words = words[1:]
    text = " ".join(words)
    iso = _ISO.fullmatch(text)
    if iso:
        return int(iso.group(3)), int(iso.group(2)), iso.group(1)
    match = _DAY_FIRST.fullmatch(text) or _IN_WORDS.fullmatch(text)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2)), match.group(3)


def parse_date(text: str) -> ParseResult:
    cleaned = clean(text)
    if not cleaned:
        return Rejected(f"Chưa thấy câu trả lời. {_HINT}", EXAMPLE)
    if len(cleaned) > MAX_SHORT_ANSWER:
        return Rejected(f"Câu trả lời dài quá. {_HINT}", EXAMPLE)
    parts = _parts(fold_answer(cleaned))
    if parts is None:
        return Rejected(f"Chưa đọc được ngày. {_HINT}", EXAMPLE)
    day, month, year_text = parts
    if year_text is None:
        return Rejected(f"Còn thiếu năm. {_HINT}", EXAMPLE)
    if len(year_text) not in (2, 4):
        return Rejected(f"Năm cần đủ 4 chữ số. {_HINT}", EXAMPLE)
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return Rejected(f"Năm {year} không hợp lệ. {_HINT}", EXAMPLE)
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        return Rejected(f"Không có ngày {day:02d}/{month:02d}/{year}. {_HINT}", EXAMPLE)
    return Parsed(date, format_date(date))
