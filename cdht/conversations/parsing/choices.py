"""Choice and multiple-choice answers: by code, by option number, by label or an unambiguous label prefix."""

from __future__ import annotations

import re
from collections.abc import Sequence

from cdht.conversations.parsing.common import (
    MAX_CHOICE_ANSWER,
    Parsed,
    ParseResult,
    Rejected,
    clean,
    fold_answer,
    quote,
    strip_particles,
)

Choices = Sequence[tuple[str, str]]

_MAX_LISTED = 10
_NUMBER_PREFIX = frozenset({"so", "phuong", "an", "lua", "chon", "y", "dap", "cau", "toi", "em"})
_ALL = frozenset({"tat ca", "chon tat ca", "ca hai", "ca ba", "ca bon", "all"})
_NOT_WORD = re.compile(r"[^\w\s]+")
_SEPARATORS = re.compile(r"[,;/+&\n]+")
_AND = re.compile(r"\s+va\s+")
_OPTION_NUMBER = re.compile(r"[0-9]{1,3}")


def _normal(text: str) -> str:
    """Folded, punctuation gone: 'Đã có (một phần).' -> 'da co mot phan'."""
    return " ".join(_NOT_WORD.sub(" ", fold_answer(text)).split())


def _listing(choices: Choices) -> str:
    shown = [f"{number}. {label}" for number, (_, label) in enumerate(choices[:_MAX_LISTED], start=1)]
    return "; ".join(shown) + ("; …" if len(choices) > _MAX_LISTED else "")


def _match(piece: str, choices: Choices) -> list[int]:
    """Indexes of the options `piece` names: one when it is clear, several when ambiguous, none when unknown."""
    full = _normal(piece)
    words = strip_particles(full.split())
    forms = [full, " ".join(words)]
    codes = [_normal(code) for code, _ in choices]
    for form in forms:
        if form and form in codes:
            return [codes.index(form)]
    while len(words) > 1 and words[0] in _NUMBER_PREFIX:
        words = words[1:]
    if len(words) == 1 and _OPTION_NUMBER.fullmatch(words[0]):
        number = int(words[0])
        return [number - 1] if 1 <= number <= len(choices) else []
    labels = [_normal(label) for _, label in choices]
    for form in forms:
        exact = [index for index, label in enumerate(labels) if form and label == form]
        if exact:
            return exact
    form = forms[-1]
    return [index for index, label in enumerate(labels) if form and label.startswith(form)]


def _empty_or_long(text: str, hint: str, example: str) -> Rejected | None:
    cleaned = clean(text)
    if len(cleaned) > MAX_CHOICE_ANSWER:
        return Rejected(f"Câu trả lời dài quá. {hint}", example)
    if not _normal(cleaned):
        return Rejected(f"Chưa thấy câu trả lời. {hint}", example)
    return None


def _unclear(piece: str, found: list[int], hint: str, example: str) -> Rejected:
    said = quote(clean(piece))
    if found:
        detail = f"{said} khớp với nhiều phương án."
    elif _OPTION_NUMBER.fullmatch(_normal(piece)):
        detail = f"Không có phương án số {_normal(piece)}."
    else:
        detail = f"Chưa tìm thấy phương án {said}."
    return Rejected(f"{detail} {hint}", example)


def parse_choice(text: str, choices: Choices) -> ParseResult:
    if not choices:
        return Rejected("Câu hỏi này chưa có phương án để chọn, xin báo cán bộ phụ trách.", "1")
    hint = f"Xin gõ số thứ tự phương án: {_listing(choices)}"
    problem = _empty_or_long(text, hint, "1")
    if problem is not None:
        return problem
    found = _match(clean(text), choices)
    if len(found) != 1:
        return _unclear(text, found, hint, "1")
    code, label = choices[found[0]]
    return Parsed(code, label)


def _pieces(text: str, choices: Choices) -> list[str]:
    """'1, 3' / '1;3' / '1 3' / 'Nhà văn hoá và Thư viện' -> one piece per option named."""
    pieces: list[str] = []
    for part in _SEPARATORS.split(text):
        if not _normal(part):
            continue
        words = _normal(part).split()
        if len(words) > 1 and all(_OPTION_NUMBER.fullmatch(word) for word in words):
            pieces.extend(words)
        elif len(_match(part, choices)) != 1 and _AND.search(_normal(part)):
            pieces.extend(_AND.split(_normal(part)))
        else:
            pieces.append(part)
    return pieces


def parse_multi_choice(text: str, choices: Choices) -> ParseResult:
    if not choices:
        return Rejected("Câu hỏi này chưa có phương án để chọn, xin báo cán bộ phụ trách.", "1")
    example = "1, 3" if len(choices) > 2 else "1, 2" if len(choices) == 2 else "1"
    hint = (
        f"Xin gõ số thứ tự các phương án, cách nhau bằng dấu phẩy, ví dụ: {example}. "
        f"Các phương án: {_listing(choices)}"
    )
    problem = _empty_or_long(text, hint, example)
    if problem is not None:
        return problem
    cleaned = clean(text)
    if _normal(cleaned) in _ALL:
        chosen = set(range(len(choices)))
    else:
        whole = _match(cleaned, choices)
        chosen = set(whole) if len(whole) == 1 else set()
        for piece in [] if chosen else _pieces(cleaned, choices):
            found = _match(piece, choices)
            if len(found) != 1:
                return _unclear(piece, found, hint, example)
            chosen.add(found[0])
    ordered = sorted(chosen)
    return Parsed([choices[index][0] for index in ordered], ", ".join(choices[index][1] for index in ordered))


def format_choice(value: object, choices: Choices) -> str:
    return next((label for code, label in choices if code == value), str(value))


def format_multi_choice(value: object, choices: Choices) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(format_choice(code, choices) for code in value)
    return format_choice(value, choices)
