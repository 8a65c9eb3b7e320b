"""Neutral messages -> what Zalo can show: text only, at most 2000 characters per message, no buttons.

Options and menu entries become numbered lines ("1. Có"), answered by typing the number or the option's text;
navigation buttons become the words to type ("Gõ: «quay lại» · «bỏ qua»"), the same words the engine reads on
every channel. Mini App pages become signed links (made by the transport, which knows the recipient) and are
never numbered. Lines stay short for a phone screen. The numbered actions go with the rendering so the sender
can remember them for the chat (see `numbered_choices`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cdht.bot.numbered import COMMAND_WORDS
from cdht.conversations.inbound import Choice, Command
from cdht.conversations.outbound import OpenApp, OutboundMessage
from cdht.conversations.parsing.folding import fold
from cdht.conversations.render.replies import split_text
from cdht.handlers.command_table import BY_NAME
from cdht.handlers.wire import inbound_to_json

TEXT_LIMIT = 2000
ENGINE_WORDS = {**COMMAND_WORDS, "resume": "tiếp tục"}  # words the engine reads as these commands
REGISTER_BY_CODE = (
    "Xin chào! Đây là trợ lý thu thập số liệu đánh giá Cộng đồng học tập (Thông tư 25/2023).\n"
    "Để bắt đầu, xin gửi mã mời mà cán bộ xã/huyện đã gửi cho anh/chị, ví dụ: /start AB12CD34 "
    "(hoặc chỉ gõ mã).\n"
    "Chưa có mã? Xin liên hệ cán bộ phụ trách của xã hoặc phòng Giáo dục và Đào tạo."
)
_NOT_WORD = re.compile(r"[^\w\s]+")
_PRESS = re.compile(r"\b(?:bấm|Bấm|nhấn|Nhấn)(?: nút)? «([^»]{1,60})»")
_KEYCAPS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")


@dataclass(frozen=True)
class ZaloRendering:
    texts: list[str]
    numbered: dict[str, dict[str, Any]] = field(default_factory=dict)  # "1" -> the action, as JSON
    labels: dict[str, str] = field(default_factory=dict)  # folded option text -> its number


def label_key(text: str) -> str:
    """An option's text as people may type it: no emoji or punctuation, no accents, lowercase."""
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def render(message: OutboundMessage, *, link_lines: tuple[str, ...] = ()) -> ZaloRendering:
    """`link_lines`: where an attachment can be downloaded and the Mini App pages open (added by the
    transport, which signs the links)."""
    numbered: dict[str, dict[str, Any]] = {}
    shown: list[tuple[str, str]] = []
    typed: list[str] = []
    instead: dict[str, str] = {}  # a button's label -> what to type instead of pressing it
    for row in message.buttons:
        for button in row:
            if isinstance(button.action, OpenApp):
                continue
            words = _typed_words(button.action)
            if words is None:
                key = str(len(numbered) + 1)
                numbered[key] = inbound_to_json(button.action)
                shown.append((key, button.label))
                instead.setdefault(label_key(button.label), f"gõ số {key}")
            else:
                typed.append(f"«{words}»")
                instead.setdefault(label_key(button.label), f"gõ «{words}»")
    text = REGISTER_BY_CODE if message.request_contact else _typed_wording(message.text.rstrip(), instead)
    lines = [text, *link_lines]
    if shown:
        lines.append("")
        lines.extend(f"{_number(key)} {label}" for key, label in shown)
        lines.append(_how_to_pick(message, len(shown)))
    if typed:
        lines.append("Gõ: " + " · ".join(dict.fromkeys(typed)))
    texts = [chunk for chunk in split_text("\n".join(lines).strip(), TEXT_LIMIT) if chunk.strip()]
    return ZaloRendering(
        texts=texts or ["…"],
        numbered=numbered,
        labels=_labels(shown),
    )


def _number(key: str) -> str:
    """Keycaps for the first ten, so options stand apart from numbered lines in the text above them."""
    index = int(key)
    return _KEYCAPS[index - 1] if index <= len(_KEYCAPS) else f"{key}."


def _typed_wording(text: str, instead: dict[str, str]) -> str:
    """'bấm «✅ Xong»' -> 'gõ «xong»': the core's texts speak of buttons, which Zalo does not have."""

    def replace(match: re.Match[str]) -> str:
        typed = instead.get(label_key(match.group(1)))
        if typed is None:
            return match.group(0)
        return typed[0].upper() + typed[1:] if match.group(0)[0].isupper() else typed

    return _PRESS.sub(replace, text)


def _typed_words(action: Choice | Command) -> str | None:
    """The words that do what this button does, or None when it gets a number instead."""
    if isinstance(action, Choice):
        return None
    if action.name in BY_NAME and action.arg is None:
        return f"/{action.name}"
    if action.name in ENGINE_WORDS:
        word = ENGINE_WORDS[action.name]
        return f"{word} {action.arg}" if action.arg else word
    return None


def _how_to_pick(message: OutboundMessage, count: int) -> str:
    toggles = message.edit_key is not None and any(
        isinstance(button.action, Choice) for row in message.buttons for button in row
    )
    if toggles:  # a multiple-choice question: numbers toggle, or all of them at once
        return "👉 Gõ số để chọn/bỏ chọn từng mục rồi gõ «xong», hoặc gõ cả các số một lần, ví dụ: 1, 3"
    example = "1" if count == 1 else f"1–{count}"
    return f"👉 Gõ số ({example}) hoặc gõ đúng tên mục."


def _labels(shown: list[tuple[str, str]]) -> dict[str, str]:
    keys: dict[str, list[str]] = {}
    for number, label in shown:
        keys.setdefault(label_key(label), []).append(number)
    return {key: numbers[0] for key, numbers in keys.items() if key and len(numbers) == 1}
