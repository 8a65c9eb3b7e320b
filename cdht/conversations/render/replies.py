"""Events -> neutral outbound messages. Short notes (saved, notices) join the message that follows them,
so one answer usually costs one message; every message stays under the channel limit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.engine.events import (
    AnswerRecorded,
    AnswerRejected,
    Completed,
    Event,
    EvidenceAttached,
    Notice,
    QuestionAsked,
    QuestionReopened,
    SummaryShown,
)
from cdht.conversations.engine.session import Session
from cdht.conversations.engine.turn import Turn
from cdht.conversations.inbound import Command
from cdht.conversations.outbound import Button, OutboundMessage
from cdht.conversations.render.question import answer_buttons, navigation, question_message

MAX_LENGTH = 4000  # Telegram allows 4096 characters per message; Zalo less in places


def render(events: Sequence[Event], session: Session, questionnaire: Questionnaire) -> list[OutboundMessage]:
    messages: list[OutboundMessage] = []
    questionnaire = questionnaire.worded(session.settings)  # as the engine asked: see Session.settings
    for event in events:
        messages.extend(_render_one(event, session, questionnaire))
    return _split_long(_join_notes(messages))


def _render_one(event: Event, session: Session, questionnaire: Questionnaire) -> list[OutboundMessage]:
    if isinstance(event, QuestionAsked):
        return [question_message(event, session, questionnaire)]
    if isinstance(event, AnswerRecorded):
        return [OutboundMessage(f"✅ Đã lưu: {event.display}")]
    if isinstance(event, AnswerRejected):
        # Parsing reasons often end with their own "ví dụ: …"; do not say it twice.
        shows_example = event.example and not event.reason.rstrip(".").endswith(event.example)
        text = f"⚠️ {event.reason}" + (f"\nVí dụ: {event.example}" if shows_example else "")
        return [OutboundMessage(text, _current_buttons(event.question_id, session, questionnaire))]
    if isinstance(event, QuestionReopened):
        return [OutboundMessage(f"🔁 {event.reason}")]
    if isinstance(event, SummaryShown):
        return [_summary(event, session)]
    if isinstance(event, Completed):
        text = (
            f"🎉 Đã hoàn thành: {event.answered}/{event.total} câu có câu trả lời. Cảm ơn anh/chị!\n"
            "Có thể gõ «sửa N» để sửa câu số N bất cứ lúc nào."
        )
        return [OutboundMessage(text)]
    if isinstance(event, Notice):
        icon = "⚠️" if event.code in ("evidence_missing", "missing_required") else "ℹ️"
        return [OutboundMessage(f"{icon} {event.text}")]
    if isinstance(event, EvidenceAttached):
        return []  # acknowledged once per album by the QuestionAsked that follows
    return []  # pragma: no cover - every event type is handled above


def _current_buttons(
    question_id: str, session: Session, questionnaire: Questionnaire
) -> tuple[tuple[Button, ...], ...]:
    question = questionnaire.get(question_id)
    if (
        question is None
        or session.cursor != question_id
        or session.state not in ("asking", "collecting_evidence")
    ):
        return ()
    asked = Turn(session, questionnaire, session.updated_at).question_event(question)
    return (*answer_buttons(asked), *navigation(asked))


def _summary(event: SummaryShown, session: Session) -> OutboundMessage:
    lines = ["📋 Tóm tắt câu trả lời:"]
    lines.extend(f"{item.number}. {item.label}: {item.display}" for item in event.items)
    if event.missing_count:
        lines.append(f"Còn {event.missing_count} câu bắt buộc chưa trả lời.")
    lines.append("Gõ «sửa N» để sửa câu số N.")
    buttons: tuple[tuple[Button, ...], ...] = ()
    if session.state == "confirm":
        lines.append("Nếu mọi số liệu đã đúng, bấm «✅ Xong, gửi kết quả».")
        buttons = ((Button("✅ Xong, gửi kết quả", Command("done")),),)
    elif session.state == "summary":
        buttons = ((Button("▶️ Tiếp tục trả lời", Command("resume")),),)
    return OutboundMessage("\n".join(lines), buttons)


def _join_notes(messages: list[OutboundMessage]) -> list[OutboundMessage]:
    """A message without buttons is prepended to the next message when the two fit in one."""
    joined: list[OutboundMessage] = []
    for message in messages:
        previous = joined[-1] if joined else None
        fits = previous is not None and len(previous.text) + len(message.text) + 2 <= MAX_LENGTH
        if previous is not None and not previous.buttons and previous.edit_key is None and fits:
            text = f"{previous.text}\n\n{message.text}"
            joined[-1] = replace(message, text=text)
        else:
            joined.append(message)
    return joined


def _split_long(messages: list[OutboundMessage]) -> list[OutboundMessage]:
    result: list[OutboundMessage] = []
    for message in messages:
        chunks = split_text(message.text)
        result.extend(OutboundMessage(chunk) for chunk in chunks[:-1])
        result.append(replace(message, text=chunks[-1]))
    return result


def split_text(text: str, limit: int = MAX_LENGTH) -> list[str]:
    """Split at line breaks into pieces of at most `limit` characters (a longer line is cut)."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    chunks.append(current)
    return chunks
