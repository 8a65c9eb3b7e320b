"""Moving on: the next question, the summary, completion."""

from __future__ import annotations

from cdht.conversations.engine.events import Completed, Notice, SummaryItem, SummaryShown
from cdht.conversations.engine.routing import is_open, missing_required, next_question, relevant_questions
from cdht.conversations.engine.turn import Turn

COMPLETED_HINT = (
    "Anh/chị đã hoàn thành bộ câu hỏi. Gõ «xem lại» để xem các câu trả lời, «sửa N» để sửa câu số N."
)


def advance(turn: Turn) -> None:
    """After an answer, a skip or a deferral: the next thing to ask, or the summary."""
    session = turn.session
    if session.editing is not None:
        relevant = {question.id for question in relevant_questions(session, turn.questionnaire)}
        for question_id in session.follow_ups:
            if question_id in relevant and is_open(session, question_id):
                turn.ask(question_id)
                return
        session.editing = None
        session.follow_ups = []
        summary_after_edit(turn)
        return
    step = next_question(session, turn.questionnaire)
    if step is None:
        finish(turn)
        return
    if step.reask:
        if session.cursor not in session.reasked:
            turn.emit(
                Notice(
                    "Còn vài câu anh/chị đã để sau. Xin trả lời tiếp nếu đã có số liệu.",
                    code="deferred_round",
                )
            )
        session.reasked.append(step.question_id)
    turn.ask(step.question_id)


def continue_asking(turn: Turn) -> None:
    """Back to the questions (from a summary, or on /start): the current question if still open, else the next."""
    session = turn.session
    cursor = session.cursor
    relevant = {question.id for question in relevant_questions(session, turn.questionnaire)}
    session.editing = None
    session.follow_ups = []
    if (
        cursor is not None
        and cursor in relevant
        and cursor not in session.answers
        and cursor not in session.skipped
    ):
        turn.ask(cursor)
        return
    advance(turn)


def summary_event(turn: Turn) -> SummaryShown:
    session = turn.session
    items = []
    for number, question in enumerate(relevant_questions(session, turn.questionnaire), start=1):
        answer = session.answers.get(question.id)
        if answer is not None:
            shown = answer.display
        elif question.id in session.deferred:
            shown = "để sau"
        else:
            shown = "chưa trả lời"
        items.append(SummaryItem(number, question.id, question.name, shown, answer is not None))
    return SummaryShown(tuple(items), len(missing_required(session, turn.questionnaire)))


def show_summary(turn: Turn) -> None:
    session = turn.session
    if session.state in ("asking", "collecting_evidence"):
        session.state = "summary"
    session.editing = None
    session.follow_ups = []
    turn.emit(summary_event(turn))


def summary_after_edit(turn: Turn) -> None:
    if next_question(turn.session, turn.questionnaire) is None:
        finish(turn)
        return
    turn.session.state = "summary"
    turn.emit(summary_event(turn))


def finish(turn: Turn) -> None:
    """Nothing left to ask: confirm (first time) or complete again (after an edit of a completed session)."""
    session = turn.session
    if session.completed_at is not None and not missing_required(session, turn.questionnaire):
        turn.emit(summary_event(turn))
        complete(turn)
        return
    session.state = "confirm"
    turn.emit(summary_event(turn))


def complete(turn: Turn) -> None:
    session = turn.session
    relevant = relevant_questions(session, turn.questionnaire)
    session.state = "completed"
    session.completed_at = turn.now
    session.editing = None
    session.follow_ups = []
    turn.emit(Completed(answered=sum(q.id in session.answers for q in relevant), total=len(relevant)))


def try_complete(turn: Turn) -> None:
    """ "Xong" on the confirmation summary."""
    missing = missing_required(turn.session, turn.questionnaire)
    if not missing:
        complete(turn)
        return
    turn.emit(
        Notice(f"Còn {len(missing)} câu bắt buộc chưa trả lời. Xin trả lời tiếp.", code="missing_required")
    )
    turn.ask(missing[0])


def reprompt(turn: Turn) -> None:
    """Show again what the person is expected to do now."""
    session = turn.session
    if session.state in ("asking", "collecting_evidence"):
        cursor = session.cursor
        if cursor is not None and cursor in {q.id for q in relevant_questions(session, turn.questionnaire)}:
            turn.ask(cursor)
        else:
            continue_asking(turn)
    elif session.state in ("summary", "confirm"):
        turn.emit(summary_event(turn))
    else:
        turn.emit(Notice(COMPLETED_HINT, code="completed"))
