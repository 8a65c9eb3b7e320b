"""Commands: back, skip, later ("chưa biết / để sau"), summary, edit N, done, start / resume."""

from __future__ import annotations

from cdht.conversations.definition.hints import example_for
from cdht.conversations.engine.advancing import (
    COMPLETED_HINT,
    advance,
    continue_asking,
    reprompt,
    show_summary,
    summary_after_edit,
    try_complete,
)
from cdht.conversations.engine.answer_step import confirm_selection
from cdht.conversations.engine.events import AnswerRejected, Notice
from cdht.conversations.engine.evidence_step import finish_evidence, warn_if_evidence_missing
from cdht.conversations.engine.routing import numbering, previous_question
from cdht.conversations.engine.turn import Turn
from cdht.conversations.inbound import Command

REQUIRED = "Câu này bắt buộc, không bỏ qua được. Nếu chưa có số liệu, bấm «⏳ Để sau» (hoặc gõ «chưa biết»)."
NOTHING_ASKED = "Hiện không có câu hỏi nào đang chờ trả lời."


def handle_command(turn: Turn, command: Command) -> None:
    handlers = {
        "start": resume_here,
        "resume": resume_here,
        "back": go_back,
        "skip": skip,
        "later": defer,
        "summary": show_summary,
        "done": done,
    }
    if command.name == "edit":
        edit(turn, command.arg or "")
        return
    handler = handlers.get(command.name)
    if handler is None:
        turn.emit(Notice("Lệnh này không dùng được ở đây.", code="unknown_command"))
        reprompt(turn)
        return
    handler(turn)


def resume_here(turn: Turn) -> None:
    """/start or /resume, perhaps days later: the first unanswered question, or the summary."""
    if turn.session.state in ("asking", "collecting_evidence", "summary"):
        continue_asking(turn)
    else:
        reprompt(turn)


def go_back(turn: Turn) -> None:
    session = turn.session
    if session.state == "summary":
        continue_asking(turn)
        return
    if session.state == "completed":
        show_summary(turn)
        return
    if session.editing is not None:
        session.editing = None
        session.follow_ups = []
        summary_after_edit(turn)
        return
    current = session.cursor if session.state != "confirm" else None
    previous = previous_question(session, turn.questionnaire, current)
    if previous is None:
        turn.emit(Notice("Đây là câu đầu tiên.", code="first_question"))
        reprompt(turn)
        return
    turn.ask(previous)


def skip(turn: Turn) -> None:
    question = turn.current
    if question is None:
        turn.emit(Notice(NOTHING_ASKED, code="nothing_asked"))
        reprompt(turn)
        return
    session = turn.session
    if question.id in session.answers:
        advance(turn)  # skipping an answered question keeps its answer
        return
    if question.type == "evidence" and session.evidence.get(question.id):
        finish_evidence(turn, question)
        return
    if question.required:
        turn.emit(AnswerRejected(question.id, REQUIRED, example_for(question)))
        return
    warn_if_evidence_missing(turn, question)
    if question.id not in session.skipped:
        session.skipped.append(question.id)
    if question.id in session.deferred:
        session.deferred.remove(question.id)
    advance(turn)


def defer(turn: Turn) -> None:
    question = turn.current
    if question is None:
        turn.emit(Notice(NOTHING_ASKED, code="nothing_asked"))
        reprompt(turn)
        return
    session = turn.session
    if question.id not in session.answers:
        warn_if_evidence_missing(turn, question)
        if question.id not in session.deferred:
            session.deferred.append(question.id)
        if question.id in session.skipped:
            session.skipped.remove(question.id)
    advance(turn)


def edit(turn: Turn, argument: str) -> None:
    order = numbering(turn.session, turn.questionnaire)
    number = int(argument) if argument.isdigit() else 0
    if not 1 <= number <= len(order):
        wanted = f"Không có câu số {argument}." if argument else "Xin gõ «sửa» kèm số câu, ví dụ «sửa 3»."
        text = f"{wanted} Gõ «xem lại» để xem danh sách câu hỏi (1–{len(order)})."
        turn.emit(Notice(text, code="no_such_question"))
        reprompt(turn)
        return
    turn.session.editing = order[number - 1]
    turn.session.follow_ups = []
    turn.ask(order[number - 1])


def done(turn: Turn) -> None:
    session = turn.session
    question = turn.current
    if session.state == "summary":
        continue_asking(turn)
    elif session.state == "confirm":
        try_complete(turn)
    elif session.state == "completed":
        turn.emit(Notice(COMPLETED_HINT, code="completed"))
    elif question is None:
        reprompt(turn)
    elif question.type == "evidence":
        if not finish_evidence(turn, question):
            skip(turn)
    elif question.type == "multi_choice" and session.selection:
        confirm_selection(turn, question)
    elif question.id in session.answers:
        advance(turn)
    else:
        reason = "Câu này chưa có câu trả lời. Xin trả lời, hoặc bấm «⏳ Để sau»."
        turn.emit(AnswerRejected(question.id, reason, example_for(question)))
