"""The conversation engine: a pure step function over plain session data.

    session, events = start(questionnaire, now=now, answers=stored_answers)
    session, events = resume(session, Text("1.250"), questionnaire=questionnaire, now=now)

No I/O and no clock: the caller loads and stores the session, stores the events that matter
(see `events`), and delivers `render(events, session, questionnaire)`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from cdht.conversations.definition.hints import example_for
from cdht.conversations.definition.question import OPTION_TYPES
from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.definition.values import coerce, display
from cdht.conversations.engine.advancing import COMPLETED_HINT, advance, reprompt
from cdht.conversations.engine.answer_step import answer_choice, answer_location, answer_text
from cdht.conversations.engine.events import AnswerRejected, Event, Notice
from cdht.conversations.engine.evidence_step import receive_media
from cdht.conversations.engine.navigation import handle_command
from cdht.conversations.engine.session import EvidenceRef, Session, StoredAnswer
from cdht.conversations.engine.turn import Turn
from cdht.conversations.engine.typed_commands import recognise
from cdht.conversations.engine.version_migration import migrate, needs_migration
from cdht.conversations.inbound import Choice, Command, Contact, Inbound, Location, Media, Text

_EMPTY_ANSWERS: Mapping[str, object] = {}
_EMPTY_EVIDENCE: Mapping[str, Sequence[EvidenceRef]] = {}
_EMPTY_SETTINGS: Mapping[str, str] = {}


def start(
    questionnaire: Questionnaire,
    *,
    now: datetime.datetime,
    answers: Mapping[str, object] = _EMPTY_ANSWERS,
    evidence: Mapping[str, Sequence[EvidenceRef]] = _EMPTY_EVIDENCE,
    settings: Mapping[str, str] = _EMPTY_SETTINGS,
) -> tuple[Session, list[Event]]:
    """A new session; answers and evidence already stored for this unit and year pre-fill it (values that no
    longer fit their question are ignored and asked again). `settings` word the questions that vary by one
    (a village's: its commune's citizen base); a setting not given is its default."""
    session = Session(
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_hash=questionnaire.content_hash,
        started_at=now,
        updated_at=now,
        settings=questionnaire.worded(settings).settings,
    )
    for question_id, refs in evidence.items():
        question = questionnaire.get(question_id)
        if question is not None and refs:
            session.evidence[question_id] = [ref.model_copy() for ref in refs]
            if question.type == "evidence":
                shown = display(question, len(refs))
                session.answers[question_id] = StoredAnswer(
                    qtype="evidence", value=len(refs), display=shown, answered_at=now
                )
    for question_id, raw in answers.items():
        question = questionnaire.get(question_id)
        value = None if question is None else coerce(question, raw)
        if question is not None and value is not None:
            shown = display(question, value)
            session.answers[question_id] = StoredAnswer(
                qtype=question.type, value=value, display=shown, answered_at=now, revision=question.revision
            )
    turn = Turn(session, questionnaire, now)
    if session.answers:
        text = f"Đã có {len(session.answers)} câu trả lời từ trước; tiếp tục từ câu chưa trả lời."
        turn.emit(Notice(text, code="prefilled"))
    advance(turn)
    return turn.session, turn.events


def resume(
    session: Session,
    inbound: Inbound,
    *,
    questionnaire: Questionnaire,
    now: datetime.datetime,
    reuse: bool = False,
) -> tuple[Session, list[Event]]:
    """One message from the person. Returns the new session and the events. The given session is not
    changed, unless the caller hands it over with `reuse=True` (it was just read and is not kept)."""
    turn = Turn(session if reuse else session.model_copy(deep=True), questionnaire, now)
    if not needs_migration(turn) or migrate(turn):
        _handle(turn, inbound)
    turn.session.updated_at = now
    return turn.session, turn.events


def _handle(turn: Turn, inbound: Inbound) -> None:
    if not isinstance(inbound, Media):
        turn.session.last_media_group = None
    if isinstance(inbound, Text):
        command = recognise(inbound.text)
        if command is not None:
            handle_command(turn, command)
        else:
            _text(turn, inbound.text)
    elif isinstance(inbound, Command):
        handle_command(turn, inbound)
    elif isinstance(inbound, Choice):
        _choice(turn, inbound)
    elif isinstance(inbound, Media):
        receive_media(turn, inbound)
    elif isinstance(inbound, Location):
        _location(turn, inbound)
    elif isinstance(inbound, Contact):
        turn.emit(Notice("Ở đây không cần gửi số điện thoại.", code="contact_unexpected"))
        reprompt(turn)


def _text(turn: Turn, text: str) -> None:
    question = turn.current
    if question is None:
        if turn.session.state == "completed":
            turn.emit(Notice(COMPLETED_HINT, code="completed"))
        else:
            hint = "Gõ «sửa N» để sửa câu số N, «xong» để tiếp tục."
            turn.emit(Notice(hint, code="summary_hint"))
    elif question.type == "evidence":
        reason = "Câu này cần ảnh hoặc tệp. Xin gửi ảnh, rồi gõ «xong» khi đã gửi đủ."
        turn.emit(AnswerRejected(question.id, reason, example_for(question)))
    else:
        answer_text(turn, question, text)


def _choice(turn: Turn, choice: Choice) -> None:
    question = turn.current
    codes = {} if question is None else dict(question.options())
    if (
        question is None
        or choice.question_id != question.id
        or question.type not in OPTION_TYPES
        or choice.code not in codes
    ):
        turn.emit(Notice("Nút này thuộc một câu hỏi trước. Xin trả lời câu hiện tại.", code="stale_button"))
        reprompt(turn)
        return
    answer_choice(turn, question, choice.code)


def _location(turn: Turn, location: Location) -> None:
    question = turn.current
    if question is None:
        turn.emit(Notice("Hiện không có câu hỏi nào cần vị trí.", code="location_unexpected"))
    elif question.type != "location":
        reason = "Câu này không cần vị trí. Xin trả lời bằng chữ hoặc bấm nút."
        turn.emit(AnswerRejected(question.id, reason, example_for(question)))
    else:
        answer_location(turn, question, location)
