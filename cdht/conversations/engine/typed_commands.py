"""Typed commands, in Vietnamese with or without accents, or as /slash commands."""

from __future__ import annotations

import re

from cdht.conversations.inbound import Command
from cdht.conversations.parsing.folding import fold

_WORDS: dict[str, str] = {
    "quay lai": "back",
    "tro lai": "back",
    "/back": "back",
    "back": "back",
    "bo qua": "skip",
    "/skip": "skip",
    "skip": "skip",
    "chua biet": "later",
    "de sau": "later",
    "/later": "later",
    "later": "later",
    "xem lai": "summary",
    "tom tat": "summary",
    "/summary": "summary",
    "summary": "summary",
    "xong": "done",
    "/done": "done",
    "done": "done",
    "tiep tuc": "resume",
    "/resume": "resume",
    "/start": "start",
}
_EDIT = re.compile(r"^(?:/edit|/sua|sua|edit)\s*(?:cau\s*)?(\d{1,4})$")


def recognise(text: str) -> Command | None:
    """'Quay lại' -> Command('back'); 'sửa câu 3' -> Command('edit', '3'); an answer -> None."""
    folded = fold(text).rstrip(".!")
    name = _WORDS.get(folded)
    if name is not None:
        return Command(name)
    match = _EDIT.match(folded)
    if match is not None:
        return Command("edit", match.group(1))
    return None
