"""Free-text answers: cleaned (`clean_text`) and trimmed, with a letter or digit, at most 1.000 characters."""

from __future__ import annotations

from cdht.conversations.parsing.clean_text import clean_text
from cdht.conversations.parsing.common import Parsed, ParseResult, Rejected, group_thousands

MAX_TEXT = 1000
EXAMPLE = "Thôn tổ chức 4 buổi sinh hoạt câu lạc bộ"


def parse_text(text: str) -> ParseResult:
    cleaned = clean_text(text).strip()
    if not any(ch.isalnum() for ch in cleaned):
        return Rejected("Chưa thấy câu trả lời. Xin viết câu trả lời bằng chữ.", EXAMPLE)
    if len(cleaned) > MAX_TEXT:
        return Rejected(
            f"Câu trả lời dài {group_thousands(len(cleaned))} ký tự, quá {group_thousands(MAX_TEXT)} ký tự. "
            "Xin viết ngắn gọn hơn.",
            EXAMPLE,
        )
    return Parsed(cleaned, cleaned)
