"""Turning what the person sent into an answer: decode, check bounds and relations, record, reopen dependents."""

from __future__ import annotations

from cdht.conversations.definition.consistency import (
    broken_dependents,
    broken_relation,
    lower_first,
    relation_reason,
)
from cdht.conversations.definition.hints import example_for
from cdht.conversations.definition.question import Question
from cdht.conversations.definition.values import AnswerValue, coerce, display
from cdht.conversations.engine.advancing import advance
from cdht.conversations.engine.events import AnswerRecorded, AnswerRejected, Notice, QuestionReopened
from cdht.conversations.engine.routing import open_questions, relevant_values
from cdht.conversations.engine.session import StoredAnswer
from cdht.conversations.engine.turn import Turn
from cdht.conversations.inbound import Location
from cdht.conversations.parsing.answers import Parsed, format_value, parse_answer

LOCATION_HOWTO = (
    "Câu này cần vị trí trên bản đồ, không nhập chữ. Trên điện thoại: bấm 📎 (đính kèm) → «Vị trí» → "
    "«Gửi vị trí hiện tại» khi đang đứng tại nơi đó."
)


def answer_text(turn: Turn, question: Question, text: str) -> None:
    if question.type == "location":
        turn.emit(AnswerRejected(question.id, LOCATION_HOWTO, example_for(question)))
        return
    result = parse_answer(
        question.type,
        text,
        choices=question.choices,
        min_value=question.min,
        max_value=question.max,
        levels=question.levels,
    )
    if not isinstance(result, Parsed):
        turn.emit(AnswerRejected(question.id, result.reason, result.example or example_for(question)))
        return
    value = coerce(question, result.value)
    if value is None:
        turn.emit(
            AnswerRejected(question.id, "Câu trả lời này không hợp lệ cho câu hỏi.", example_for(question))
        )
        return
    record(turn, question, value)


def answer_choice(turn: Turn, question: Question, code: str) -> None:
    """A tapped button of the current question (codes were checked by the caller)."""
    if question.type == "multi_choice":
        selection = turn.session.selection
        if code in selection:
            selection.remove(code)
        else:
            selection.append(code)
        turn.ask(question.id)
        return
    raw: object = {"yes": True, "no": False}.get(code) if question.type == "yes_no" else code
    if question.type == "level" and code.isdigit():
        raw = int(code)
    value = coerce(question, raw)
    if value is None:
        turn.emit(Notice("Nút này không còn dùng được. Xin chọn lại.", code="stale_button"))
        turn.ask(question.id)
        return
    record(turn, question, value)


def confirm_selection(turn: Turn, question: Question) -> None:
    """ "Xong" on a multi-choice question answered with buttons."""
    order = [code for code, _ in question.choices]
    picked = sorted(
        turn.session.selection, key=lambda code: order.index(code) if code in order else len(order)
    )
    value = coerce(question, picked)
    if value is None:
        turn.emit(
            AnswerRejected(question.id, "Xin chọn ít nhất một mục rồi bấm «Xong».", example_for(question))
        )
        return
    record(turn, question, value)


def answer_location(turn: Turn, question: Question, location: Location) -> None:
    value = coerce(question, {"latitude": location.latitude, "longitude": location.longitude})
    if value is None:
        turn.emit(AnswerRejected(question.id, "Vị trí không hợp lệ. Xin gửi lại.", example_for(question)))
        return
    record(turn, question, value)


def record(turn: Turn, question: Question, value: AnswerValue) -> None:
    """Store an answer (or refuse it when a relation with another answer fails), then move on."""
    session = turn.session
    shown = display(question, value)
    refusal = _relation_refusal(turn, question, value, shown)
    if refusal is not None:
        turn.emit(refusal)
        return
    open_before = set(open_questions(session, turn.questionnaire))
    previous = session.answers.get(question.id)
    session.answers[question.id] = StoredAnswer(
        qtype=question.type, value=value, display=shown, answered_at=turn.now, revision=question.revision
    )
    for aside in (session.deferred, session.skipped, session.reopened):
        if question.id in aside:
            aside.remove(question.id)
    session.selection = []
    turn.emit(
        AnswerRecorded(
            question_id=question.id,
            value=value,
            display=shown,
            fact=question.fact,
            previous_value=None if previous is None else previous.value,
            answered_at=turn.now,
        )
    )
    _reopen_dependents(turn, question, value, shown)
    if session.editing is not None:
        new = [qid for qid in open_questions(session, turn.questionnaire) if qid not in open_before]
        session.follow_ups.extend(qid for qid in new if qid not in session.follow_ups)
    advance(turn)


def _relation_refusal(
    turn: Turn, question: Question, value: AnswerValue, shown: str
) -> AnswerRejected | None:
    values = relevant_values(turn.session, turn.questionnaire)
    relation = broken_relation(turn.questionnaire, question.id, value, values)
    if relation is None:
        return None
    target = turn.questionnaire.question(relation.target)
    target_answer = turn.session.answers[relation.target]
    reason = relation_reason(question, shown, relation, target, target_answer.display)
    bare = format_value(target.type, target_answer.value)
    example = bare if relation.op in ("<=", ">=", "==") else example_for(question)
    return AnswerRejected(question.id, reason, example)


def _reopen_dependents(turn: Turn, question: Question, value: AnswerValue, shown: str) -> None:
    session = turn.session
    values = relevant_values(session, turn.questionnaire)
    for dependent, relation in broken_dependents(turn.questionnaire, question.id, value, values):
        if dependent.id not in session.answers:
            continue  # reopened already by another of its relations
        old = session.answers.pop(dependent.id)
        if dependent.id not in session.reopened:
            session.reopened.append(dependent.id)
        reason = (
            f"{dependent.name} ({old.display}) {relation.phrase} {lower_first(question.name)} vừa sửa ({shown}). "
            "Xin nhập lại."
        )
        turn.emit(QuestionReopened(dependent.id, reason))
