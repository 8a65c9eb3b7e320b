"""Example answers shown under a question ("Ví dụ: …"), by question type unless the question gives its own."""

from __future__ import annotations

from cdht.conversations.definition.question import Question

_EXAMPLES = {
    "integer": "120",
    "decimal": "12,5",
    "percent": "85%",
    "money": "12,5 triệu",
    "yes_no": "có / không",
    "multi_choice": "1, 3",
    "text": "",
    "date": "15/10/2024",
    "evidence": "gửi ảnh chụp hoặc tệp PDF, rồi gõ «xong»",
    "location": "bấm 📎 → Vị trí (Location) → Gửi vị trí hiện tại",
}


def example_for(question: Question) -> str:
    if question.example is not None:
        return question.example
    if question.type == "level":
        return str(question.levels[1])
    if question.type == "choice":
        return question.choices[0][1] if question.choices else ""
    return _EXAMPLES.get(question.type, "")
