"""A question as a neutral message: "Câu 5/23 · <label>", help, example, option and navigation buttons."""

from __future__ import annotations

from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.engine.events import QuestionAsked
from cdht.conversations.engine.routing import numbering
from cdht.conversations.engine.session import Session
from cdht.conversations.inbound import Choice, Command
from cdht.conversations.outbound import Button, OutboundMessage

Rows = tuple[tuple[Button, ...], ...]

BACK = Button("⬅️ Quay lại", Command("back"))
SKIP = Button("⏭ Bỏ qua", Command("skip"))
LATER = Button("⏳ Để sau", Command("later"))
SUMMARY = Button("📋 Xem lại", Command("summary"))
DONE = Button("✅ Xong", Command("done"))
KEEP = Button("⏭ Giữ nguyên", Command("skip"))


def question_message(event: QuestionAsked, session: Session, questionnaire: Questionnaire) -> OutboundMessage:
    edit_key = f"question:{event.question_id}" if event.qtype == "multi_choice" else None
    if event.acknowledges_file and event.qtype == "evidence":
        text = "📎 Đã nhận. Gửi thêm ảnh/tệp, hoặc bấm «✅ Xong» khi đã gửi đủ."
        return OutboundMessage(text, ((DONE, LATER, SUMMARY),) if event.can_defer else ((DONE, SUMMARY),))
    lines = []
    if event.acknowledges_file:
        lines.append("📎 Đã nhận ảnh/tệp minh chứng. Xin trả lời tiếp câu hỏi:")
    if _starts_section(event, session, questionnaire):
        lines.append(f"📂 {event.section}")
    lines.append(f"Câu {event.number}/{event.total} · {event.label}")
    if event.help:
        lines.append(event.help)
    if event.current_display is not None:
        lines.append(f"Câu trả lời hiện tại: {event.current_display}")
    if event.qtype == "evidence" and event.collecting_evidence_count:
        lines.append(f"Đã có {event.collecting_evidence_count} ảnh/tệp.")
    if event.hint and event.expects in ("text", "location", "media"):
        lines.append(f"Ví dụ: {event.hint}")
    return OutboundMessage("\n".join(lines), (*answer_buttons(event), *navigation(event)), edit_key=edit_key)


def answer_buttons(event: QuestionAsked) -> Rows:
    if event.qtype == "multi_choice":
        picked = set(event.selected)
        rows = tuple(
            (Button(f"{'☑️' if code in picked else '⬜'} {label}", Choice(event.question_id, code)),)
            for code, label in event.choices
        )
        return (*rows, (DONE,))
    if event.qtype in ("yes_no", "level"):
        return (tuple(Button(label, Choice(event.question_id, code)) for code, label in event.choices),)
    if event.qtype == "choice":
        return tuple((Button(label, Choice(event.question_id, code)),) for code, label in event.choices)
    if event.qtype == "evidence":
        return ((DONE,),)
    return ()


def navigation(event: QuestionAsked) -> Rows:
    skip = KEEP if event.current_display is not None else SKIP
    row = [
        button
        for allowed, button in ((event.can_go_back, BACK), (event.can_skip, skip), (event.can_defer, LATER))
        if allowed
    ]
    return ((*row, SUMMARY),)


def _starts_section(event: QuestionAsked, session: Session, questionnaire: Questionnaire) -> bool:
    if not event.section:
        return False
    order = numbering(session, questionnaire)
    if event.question_id not in order:
        return True
    index = order.index(event.question_id)
    return index == 0 or questionnaire.question(order[index - 1]).section != event.section
