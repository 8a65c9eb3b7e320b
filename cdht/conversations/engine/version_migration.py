"""Moving a session to a new version of its questionnaire, by rule, never failing.

Answers are kept when their question still exists with the same type and the value still fits (bounds,
choices, levels); the rest are dropped and will be asked. Evidence stays with questions that still exist.
"""

from __future__ import annotations

from cdht.conversations.definition.values import display, fits
from cdht.conversations.engine.advancing import advance, continue_asking, reprompt
from cdht.conversations.engine.events import Notice, QuestionReopened
from cdht.conversations.engine.routing import next_question, relevant_questions
from cdht.conversations.engine.turn import Turn

WIDENED = "Câu hỏi đã được bổ sung cho đủ nội dung chỉ tiêu theo Thông tư 25/2023/TT-BGDĐT"


def needs_migration(turn: Turn) -> bool:
    session, questionnaire = turn.session, turn.questionnaire
    return (session.questionnaire_id, session.questionnaire_version, session.questionnaire_hash) != (
        questionnaire.id,
        questionnaire.version,
        questionnaire.content_hash,
    )


def migrate(turn: Turn) -> bool:
    """Adapt the session and tell the person. Returns True when the message that arrived can still be handled:
    the question being asked is exactly the one the person saw. Otherwise asks what is to be asked now."""
    session, questionnaire = turn.session, turn.questionnaire
    asked = questionnaire.get(session.cursor) if session.cursor else None
    unchanged = asked is not None and asked.fingerprint == session.cursor_fingerprint
    kept = {}
    for question_id, answer in session.answers.items():
        question = questionnaire.get(question_id)
        if question is not None and question.revision != answer.revision:
            # The question now asks more than what was answered: withdraw the stored answer too.
            turn.emit(QuestionReopened(question_id, WIDENED))
        elif question is not None and question.type == answer.qtype and fits(question, answer.value):
            kept[question_id] = answer.model_copy(update={"display": display(question, answer.value)})
    dropped = len(session.answers) - len(kept)
    session.answers = kept
    session.evidence = {
        qid: refs for qid, refs in session.evidence.items() if questionnaire.get(qid) is not None
    }
    for ids in (session.deferred, session.reasked, session.skipped, session.reopened, session.follow_ups):
        ids[:] = [qid for qid in ids if questionnaire.get(qid) is not None and qid not in kept]
    if session.editing is not None and questionnaire.get(session.editing) is None:
        session.editing = None
        session.follow_ups = []
    if not unchanged:
        session.selection = []
    session.questionnaire_id = questionnaire.id
    session.questionnaire_version = questionnaire.version
    session.questionnaire_hash = questionnaire.content_hash
    again = f" {dropped} câu cần trả lời lại." if dropped else ""
    turn.emit(
        Notice(
            f"Bộ câu hỏi đã được cập nhật (phiên bản {questionnaire.version}). "
            f"Các câu trả lời còn phù hợp được giữ nguyên.{again}",
            code="migrated",
        )
    )
    relevant = {question.id for question in relevant_questions(session, questionnaire)}
    if session.state in ("asking", "collecting_evidence") and unchanged and session.cursor in relevant:
        return True
    if session.state in ("asking", "collecting_evidence"):
        continue_asking(turn)
    elif next_question(session, questionnaire) is not None:
        session.editing = None
        advance(turn)
    else:
        reprompt(turn)
    return False
