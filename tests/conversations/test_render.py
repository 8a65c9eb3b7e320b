"""Events rendered as neutral messages.

RE1 a question: "Câu N/M · label", help, "Ví dụ: …", section header when a section starts
RE2 option questions get one button per option (Choice actions), plus navigation: back when there is a
    previous question, skip only when allowed ("Giữ nguyên" for an answered question), later, summary
RE3 a confirmation or notice joins the message that follows: one answer, one message
RE4 a refusal: "⚠️ reason" and "Ví dụ: example" (unless the reason already shows it), with the buttons
RE5 the summary is a numbered list; on confirmation it offers "Xong, gửi kết quả"
RE6 multi-choice shows ticks and is edited in place; an album acknowledgement is short
RE7 no message is longer than 4000 characters; buttons stay on the last piece
"""

from __future__ import annotations

import pytest
from conversation_harness import T0, play

from cdht.conversations.definition.loader import builtin_questionnaires, parse_questionnaire
from cdht.conversations.engine.steps import start
from cdht.conversations.inbound import Choice, Command
from cdht.conversations.outbound import Button, OutboundMessage
from cdht.conversations.render.replies import MAX_LENGTH, render, split_text

BACK = Button("⬅️ Quay lại", Command("back"))
SKIP = Button("⏭ Bỏ qua", Command("skip"))
KEEP = Button("⏭ Giữ nguyên", Command("skip"))
LATER = Button("⏳ Để sau", Command("later"))
SUMMARY = Button("📋 Xem lại", Command("summary"))


@pytest.fixture(scope="module")
def village():
    return builtin_questionnaires()["village_head"]


def last_messages(questionnaire, script):
    run = play(questionnaire, script)
    return render(run.events[-1], run.session, questionnaire)


def test_first_question_re1_re2(village):
    session, events = start(village, now=T0)
    assert render(events, session, village) == [
        OutboundMessage(
            "📂 Dân số\n"
            "Câu 1/14 · Thôn (tổ dân phố) hiện có bao nhiêu hộ gia đình?\n"
            "Tính các hộ đang sinh sống thường xuyên trong thôn, theo sổ theo dõi của thôn.\n"
            "Ví dụ: 350",
            ((LATER, SUMMARY),),
        )
    ]


def test_confirmation_joins_the_next_question_re3(village):
    assert last_messages(village, "> 1.250") == [
        OutboundMessage(
            "✅ Đã lưu: 1.250 hộ\n\n"
            "Câu 2/14 · Thôn có tổng cộng bao nhiêu công dân (nhân khẩu)?\n"
            "Tính tất cả người dân đang sinh sống trong thôn, kể cả trẻ em và người cao tuổi.\n"
            "Ví dụ: 1.250",
            ((BACK, LATER, SUMMARY),),
        )
    ]


def test_yes_no_buttons_and_keep_for_answered_re2(village):
    script = "> 1.250\n> 3.000\n> 2.400\n> 1.800\n> 450\n> 900\n> 850\n> 0"
    [message] = last_messages(village, script)
    assert message.text.startswith("✅ Đã lưu: 0 dòng họ\n\nCâu 9/15 · Năm nay thôn có được đánh giá")
    assert message.buttons == (
        (
            Button("Có", Choice("village_cdht_assessed", "yes")),
            Button("Không", Choice("village_cdht_assessed", "no")),
        ),
        (BACK, LATER, SUMMARY),
    )
    [back] = last_messages(village, script + "\n> /back")
    assert "Câu trả lời hiện tại: 0 dòng họ" in back.text
    assert back.buttons == ((BACK, KEEP, SUMMARY),)


def test_refusal_with_example_and_buttons_re4(village):
    [message] = last_messages(village, "> 1.250\n> 3.000\n> 2.400\n> 3.500")
    assert message == OutboundMessage(
        "⚠️ Số người đã qua đào tạo (3.500 người) không được lớn hơn số công dân (3.000 người).\nVí dụ: 3.000",
        ((BACK, LATER, SUMMARY),),
    )
    [required] = last_messages(village, "> /skip")
    assert required.text.startswith("⚠️ Câu này bắt buộc, không bỏ qua được.")


def test_summary_and_completion_re5(village):
    script = "\n".join(
        [
            "> 1.250",
            "> 3.000",
            "> 2.400",
            "> 1.800",
            "> 450",
            "> 900",
            "> 850",
            "> 0",
            "> không",
            "> 0",
            "> không",
            "> 0",
        ]
    )
    script += "\n> 0\n> /skip\n> /skip"
    [summary] = last_messages(village, script)
    lines = summary.text.split("\n")
    assert lines[0] == "📋 Tóm tắt câu trả lời:"
    assert lines[1] == "1. Số hộ gia đình: 1.250 hộ"
    assert lines[14:16] == ["14. Vị trí nhà văn hóa thôn: chưa trả lời", "15. Ghi chú: chưa trả lời"]
    assert summary.buttons == ((Button("✅ Xong, gửi kết quả", Command("done")),),)
    [done] = last_messages(village, script + "\n> /done")
    assert done.text.startswith("🎉 Đã hoàn thành: 13/15 câu có câu trả lời.") and done.buttons == ()


def test_multi_choice_ticks_and_album_acknowledgement_re6(village):
    script = "> 1.250\n> 3.000\n> 2.400\n> 1.800\n> 450\n> 900\n> 850\n> 0\n> không\n> 0\n> có\n> [lifelong_week_activities:reading]"
    [ticks] = last_messages(village, script)
    assert ticks.edit_key == "question:lifelong_week_activities"
    assert ticks.buttons[1] == (Button("☑️ Ngày hội đọc sách", Choice("lifelong_week_activities", "reading")),)
    assert ticks.buttons[0][0].label == "⬜ Tuyên truyền cổ động"
    assert ticks.buttons[5] == (Button("✅ Xong", Command("done")),)
    [ack] = last_messages(village, script + "\n> /done\n> /skip\n> photo:a@g")
    assert ack == OutboundMessage(
        "📎 Đã nhận. Gửi thêm ảnh/tệp, hoặc bấm «✅ Xong» khi đã gửi đủ.",
        ((Button("✅ Xong", Command("done")), LATER, SUMMARY),),
    )
    assert last_messages(village, script + "\n> /done\n> /skip\n> photo:a@g\n> photo:b@g") == []


def test_long_summaries_are_split_re7():
    questions = "\n".join(
        f"  - {{id: q{n}, type: text, required: false, label: 'Câu hỏi số {n}', short: '{'Tên rất dài ' * 8}{n}'}}"
        for n in range(80)
    )
    long = parse_questionnaire(
        f"id: long\nversion: 1\ntitle: Dài\naudience: district\nquestions:\n{questions}\n"
    )
    run = play(long, "> /summary")
    messages = render(run.events[-1], run.session, long)
    assert len(messages) == 3
    assert all(len(message.text) <= MAX_LENGTH for message in messages)
    assert [bool(message.buttons) for message in messages] == [False, False, True]
    assert "\n".join(message.text for message in messages).count("Tên rất dài") == 80 * 8


def test_split_text_re7():
    assert split_text("a\nb\nc", limit=3) == ["a\nb", "c"]
    assert split_text("x" * 7, limit=3) == ["xxx", "xxx", "x"]
    assert split_text("") == [""]
