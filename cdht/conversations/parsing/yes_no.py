"""Yes/no answers, typed with or without accents, with polite particles ("dạ có", "không ạ") or as an emoji."""

from __future__ import annotations

import re

from cdht.conversations.parsing.common import (
    MAX_SHORT_ANSWER,
    Parsed,
    ParseResult,
    Rejected,
    clean,
    fold_answer,
    phrases,
    strip_particles,
)

YES_TEXT = "Có"
NO_TEXT = "Không"

_EMOJI = {
    "✅": "co",
    "✔": "co",
    "☑": "co",
    "👍": "co",
    "❌": "khong",
    "✖": "khong",
    "❎": "khong",
    "👎": "khong",
}
_EMOJI_PATTERN = re.compile("|".join(map(re.escape, _EMOJI)))
_PUNCTUATION = re.compile(r"[.,!?;:…~\-]+")

# Folded phrases after polite particles are dropped. "da" is both "đã" (already: yes) and "dạ" (polite yes).
_YES = phrases(
    "co|c|roi|da|ok|oke|okay|yes|y|dung|1|vang|co roi|da co|da roi|dung roi|dung vay|co chu|phai|dung the"
)
_NO = phrases(
    "khong|k|ko|kg|kh|khg|hong|hok|chua|no|n|sai|0|khong co|ko co|k co|chua co|khong phai|"
    "khong dung|sai roi|chua roi|chua a|van chua|khong a"
)

_HINT = "Xin trả lời Có hoặc Không."


def parse_yes_no(text: str) -> ParseResult:
    cleaned = clean(text)
    if not cleaned:
        return Rejected(f"Chưa thấy câu trả lời. {_HINT}", YES_TEXT)
    if len(cleaned) > MAX_SHORT_ANSWER:
        return Rejected(f"Câu trả lời dài quá. {_HINT}", YES_TEXT)
    spelled = _EMOJI_PATTERN.sub(lambda match: f" {_EMOJI[match.group(0)]} ", cleaned)
    words = _PUNCTUATION.sub(" ", fold_answer(spelled)).split()
    deduplicated = [word for index, word in enumerate(words) if index == 0 or word != words[index - 1]]
    phrase = " ".join(strip_particles(deduplicated))
    if phrase in _YES:
        return Parsed(True, YES_TEXT)
    if phrase in _NO:
        return Parsed(False, NO_TEXT)
    return Rejected(f"Chưa rõ là có hay không. {_HINT}", YES_TEXT)
