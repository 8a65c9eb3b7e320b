"""Free-text answers: trimmed, NFC, with at least one letter or digit, at most 1.000 characters."""

from __future__ import annotations

import unicodedata

from cdht.conversations.parsing.common import Parsed, ParseResult, Rejected, group_thousands
from cdht.conversations.parsing.folding import nfc

MAX_TEXT = 1000
EXAMPLE = "Thôn tổ chức 4 buổi sinh hoạt câu lạc bộ"


def _without_controls(text: str) -> str:
    text = text.replace("\r\n", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))


def parse_text(text: str) -> ParseResult:
    cleaned = _without_controls(nfc(text)).strip()
    if not any(ch.isalnum() for ch in cleaned):
        return Rejected("Chưa thấy câu trả lời. Xin viết câu trả lời bằng chữ.", EXAMPLE)
    if len(cleaned) > MAX_TEXT:
        return Rejected(
            f"Câu trả lời dài {group_thousands(len(cleaned))} ký tự, quá {group_thousands(MAX_TEXT)} ký tự. "
            "Xin viết ngắn gọn hơn.",
            EXAMPLE,
        )
    return Parsed(cleaned, cleaned)
