"""Level answers: "mức 2", "mức độ II", "cấp độ 2", "đạt mức 2", "2", "chưa đạt" (level 0)."""

from __future__ import annotations

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

_PREFIX_WORDS = frozenset({"dat", "muc", "do", "cap", "la", "level", "o", "duoc"})
_NOT_MET = frozenset({"chua dat", "khong dat", "chua dat muc nao", "khong dat muc nao", "chua dat muc"})
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
_PUNCTUATION = re.compile(r"[.,!?;:…~]+")


def format_level(level: int) -> str:
    return "Chưa đạt" if level == 0 else f"Mức {level}"


def _read_level(folded: str) -> int | None:
    words = strip_particles(_PUNCTUATION.sub(" ", folded).split())
    if " ".join(words) in _NOT_MET:
        return 0
    while len(words) > 1 and words[0] in _PREFIX_WORDS:
        words = words[1:]
    if len(words) != 1:
        return None
    word = words[0]
    if re.fullmatch(r"[0-9]{1,2}", word):
        return int(word)
    return _ROMAN.get(word)


def parse_level(text: str, levels: tuple[int, int]) -> ParseResult:
    low, high = levels
    example = format_level(2 if low <= 2 <= high else high)
    if low <= 0 < high:
        hint = f"Xin nhập mức từ {max(low, 1)} đến {high} (hoặc “chưa đạt”), ví dụ: {example}"
    else:
        hint = f"Xin nhập mức từ {low} đến {high}, ví dụ: {example}"
    cleaned = clean(text)
    if not cleaned:
        return Rejected(f"Chưa thấy câu trả lời. {hint}", example)
    if len(cleaned) > MAX_SHORT_ANSWER:
        return Rejected(f"Câu trả lời dài quá. {hint}", example)
    level = _read_level(fold_answer(cleaned))
    if level is None:
        return Rejected(f"Chưa đọc được mức. {hint}", example)
    if not low <= level <= high:
        refused = "Câu này không nhận “chưa đạt”." if level == 0 else f"Câu này không có mức {level}."
        return Rejected(f"{refused} {hint}", example)
    return Parsed(level, format_level(level))
