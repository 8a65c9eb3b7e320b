"""Golden transcripts: every question type, with a bad answer of each kind.

TY1 each type accepts its Vietnamese forms and refuses the rest with nothing recorded: integer (words,
    out of bounds, a fraction), decimal, percent (above 100, negative), money, yes/no, choice, multi-choice,
    level (out of range), text, date (impossible), evidence (text instead of a file), location (text,
    impossible coordinates)
TY2 buttons with unknown codes are stale, never an exception
TY3 the refusals written by the engine explain what to do
"""

from __future__ import annotations

import pytest
from conversation_harness import play

from cdht.conversations.definition.loader import parse_questionnaire
from cdht.conversations.engine.events import AnswerRejected

ALL_TYPES = """
    id: all_types
    version: 1
    title: Mọi loại câu hỏi
    audience: commune_officer
    questions:
      - {id: count, type: integer, label: "Bao nhiêu người?", unit: người, min: 0, max: 1000}
      - {id: ratio, type: decimal, label: "Diện tích (ha)?", min: 0}
      - {id: share, type: percent, label: "Tỷ lệ?", min: 0, max: 100}
      - {id: fund, type: money, label: "Số tiền?", min: 0}
      - {id: ok, type: yes_no, label: "Có không?"}
      - {id: kind, type: choice, label: "Loại nào?", choices: [[a, Loại A], [b, Loại B]]}
      - {id: tags, type: multi_choice, label: "Những gì?", choices: [[x, Việc X], [y, Việc Y], [z, Việc Z]]}
      - {id: lvl, type: level, label: "Mức độ?", levels: [0, 2]}
      - {id: note, type: text, label: "Ghi chú?"}
      - {id: day, type: date, label: "Ngày nào?"}
      - {id: photos, type: evidence, label: "Gửi ảnh", evidence: expected, required: false}
      - {id: place, type: location, label: "Vị trí?"}
"""


@pytest.fixture(scope="module")
def all_types():
    return parse_questionnaire(ALL_TYPES)


def test_every_type_with_bad_answers_ty1_ty2(all_types, golden):
    run = golden.check(all_types)
    assert run.session.state == "completed"


def test_engine_refusals_explain_what_to_do_ty3(all_types):
    inputs = "\n".join(
        ["> 12", "> 2,75", "> 45%", "> 0", "> có", "> [kind:a]", "> 1", "> 0", "> ghi chú", "> 1/1/2024"]
    )
    run = play(all_types, inputs + "\n> chữ\n> photo:p\n> /done\n> chữ\n> photo:q")
    rejections = [event for events in run.events for event in events if isinstance(event, AnswerRejected)]
    assert [(event.question_id, event.reason) for event in rejections] == [
        ("photos", "Câu này cần ảnh hoặc tệp. Xin gửi ảnh, rồi gõ «xong» khi đã gửi đủ."),
        (
            "place",
            "Câu này cần vị trí trên bản đồ, không nhập chữ. Trên điện thoại: bấm 📎 (đính kèm) → «Vị trí» → "
            "«Gửi vị trí hiện tại» khi đang đứng tại nơi đó.",
        ),
        ("place", "Câu này không cần ảnh hay tệp. Xin trả lời bằng chữ hoặc bấm nút."),
    ]
