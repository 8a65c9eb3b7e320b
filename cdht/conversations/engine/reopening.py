"""Reopening answers from outside the conversation: a reviewer returns some answers for fixing, or a setting
that words some questions changes (a commune declares another citizen base) and what they asked is reopened."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

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
    questionnaire = turn.questionnaire  # worded by the session's settings
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


def reword(
    session: Session,
    questionnaire: Questionnaire,
    settings: Mapping[str, str],
    reason: str,
    *,
    now: datetime.datetime,
) -> tuple[Session, list[Event]]:
    """Word the session with new `settings` from now on. The questions worded by a setting that changed are
    reopened (as `reopen` does, with `reason`) if answered under the old wording or being asked in it: the
    answer counted what the old wording asked for. No events when nothing the person saw changes."""
    old = questionnaire.worded(session.settings).settings
    new = questionnaire.worded({**session.settings, **settings}).settings
    changed = {name for name, value in new.items() if old.get(name) != value}
    state = session.model_copy(deep=True)
    state.settings = new
    asking = session.cursor if session.state in ("asking", "collecting_evidence") else None
    affected = [
        question.id
        for question in questionnaire.questions
        if question.varies_by is not None
        and question.varies_by.setting in changed
        and (question.id in session.answers or question.id == asking)
    ]
    if not affected:
        if changed:
            state.updated_at = now
        return state, []
    return reopen(state, questionnaire, affected, reason, now=now)
