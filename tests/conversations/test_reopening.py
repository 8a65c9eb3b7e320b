from __future__ import annotations

from datetime import UTC, datetime

from cdht.conversations import engine
from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.engine.events import AnswerRecorded, QuestionAsked, QuestionReopened
from cdht.conversations.engine.reopening import reopen
from cdht.conversations.engine.routing import relevant_questions
from cdht.conversations.inbound import Command, Text

NOW = datetime(2025, 11, 1, 8, 0, tzinfo=UTC)


def test_only_the_returned_answers_reopen_and_the_rest_stay() -> None:
    questionnaire = builtin_questionnaires()["village_head"]
    session, _ = engine.start(questionnaire, now=NOW, answers={"households": 250, "citizens": 1000})
    session, events = reopen(session, questionnaire, ["citizens", "no_such_question"], "Sai số liệu", now=NOW)
    assert [e.question_id for e in events if isinstance(e, QuestionReopened)] == ["citizens"]
    assert "citizens" not in session.answers and session.answers["households"].value == 250
    asked = [e for e in events if isinstance(e, QuestionAsked)]
    assert asked and asked[-1].question_id == "citizens"
    session, events = engine.resume(session, Text("1.100"), questionnaire=questionnaire, now=NOW)
    recorded = [e for e in events if isinstance(e, AnswerRecorded)]
    assert recorded[0].question_id == "citizens" and recorded[0].value == 1100
    assert session.reopened == []


def test_nothing_known_to_reopen_changes_nothing() -> None:
    questionnaire = builtin_questionnaires()["village_head"]
    session, _ = engine.start(questionnaire, now=NOW, answers={"households": 250})
    again, events = reopen(session, questionnaire, ["nope"], "x", now=NOW)
    assert events == [] and again == session
    _, events = engine.resume(again, Command("resume"), questionnaire=questionnaire, now=NOW)
    assert any(isinstance(e, QuestionAsked) and e.question_id == "citizens" for e in events)


def test_resume_leaves_the_given_session_alone_unless_it_is_handed_over() -> None:
    questionnaire = builtin_questionnaires()["village_head"]
    session, _ = engine.start(questionnaire, now=NOW)
    before = session.model_dump()
    kept, _ = engine.resume(session, Text("250"), questionnaire=questionnaire, now=NOW)
    assert session.model_dump() == before and kept is not session
    handed, _ = engine.resume(session, Text("250"), questionnaire=questionnaire, now=NOW, reuse=True)
    assert handed is session and handed.model_dump() == kept.model_dump()
    assert [q.id for q, _ in questionnaire.dependents("citizens")] == [
        "learning_citizens",
        "trained_citizens",
    ]
    assert questionnaire.dependents("learning_clans") == []


def test_relevance_follows_the_answers_it_reads_also_when_remembered() -> None:
    questionnaire = builtin_questionnaires()["village_head"]
    session, _ = engine.start(questionnaire, now=NOW, answers={"households": 250})

    def relevant() -> set[str]:
        return {question.id for question in relevant_questions(session, questionnaire)}

    assert "clans_assessed" not in relevant()  # `clans` not answered yet
    for clans, shown in [(3, True), (0, False), (5, True), (0, False)]:
        session, _ = engine.start(questionnaire, now=NOW, answers={"households": 250, "clans": clans})
        assert ("clans_assessed" in relevant()) is shown
    session, _ = engine.start(questionnaire, now=NOW, answers={"clans": 4, "households": 999})
    assert "clans_assessed" in relevant()  # another unrelated answer: the remembered result still holds
