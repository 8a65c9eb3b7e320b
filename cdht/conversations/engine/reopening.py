"""Reopening answers from outside the conversation: a reviewer returns some answers for fixing."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.engine.advancing import advance
from cdht.conversations.engine.events import Event, Notice, QuestionReopened
from cdht.conversations.engine.session import Session
from cdht.conversations.engine.turn import Turn


def reopen(
    session: Session,
    questionnaire: Questionnaire,
    question_ids: Sequence[str],
    reason: str,
    *,
    now: datetime.datetime,
) -> tuple[Session, list[Event]]:
    """Withdraw the given answers (only those) and ask the first of them again; unknown ids are ignored."""
    turn = Turn(session.model_copy(deep=True), questionnaire, now)
    state = turn.session
    reopened = [qid for qid in question_ids if questionnaire.get(qid) is not None]
    for question_id in reopened:
        state.answers.pop(question_id, None)
        for aside in (state.deferred, state.skipped, state.reasked):
            if question_id in aside:
                aside.remove(question_id)
        if question_id not in state.reopened:
            state.reopened.append(question_id)
        turn.emit(QuestionReopened(question_id, reason))
    if not reopened:
        return turn.session, []
    names = ", ".join(questionnaire.question(qid).name for qid in reopened)
    turn.emit(Notice(f"Cán bộ xã đề nghị sửa: {names}. Lý do: {reason}", code="returned"))
    state.state = "asking"
    state.editing = None
    state.follow_ups = []
    advance(turn)
    state.updated_at = now
    return turn.session, turn.events
