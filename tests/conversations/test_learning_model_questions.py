"""The learning-model questions: what was recognised never exceeds what was evaluated, and what follows from an
answer is not asked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cdht.conversations import engine
from cdht.conversations.definition.consistency import broken_relation, relevant_values
from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.engine.events import AnswerRecorded, AnswerRejected
from cdht.conversations.engine.routing import relevant_questions
from cdht.conversations.inbound import Text

NOW = datetime(2025, 11, 1, 8, 0, tzinfo=UTC)
VILLAGE = {"households": 250, "citizens": 1000, "learning_citizens": 850, "trained_citizens": 620}


@pytest.mark.parametrize(
    ("questionnaire_id", "question", "evaluated", "answers"),
    [
        ("village_head", "learning_families", "families_assessed", VILLAGE | {"university_citizens": 160}),
        (
            "village_head",
            "learning_clans",
            "clans_assessed",
            VILLAGE | {"university_citizens": 160, "families_assessed": 0, "clans": 6},
        ),
        ("commune_officer", "learning_units", "units_assessed", {}),
    ],
)
def test_more_recognised_than_evaluated_is_refused_politely(
    questionnaire_id: str, question: str, evaluated: str, answers: dict[str, object]
) -> None:
    questionnaire = builtin_questionnaires()[questionnaire_id]
    assert broken_relation(questionnaire, question, 5, {evaluated: 4}) is not None
    assert broken_relation(questionnaire, question, 4, {evaluated: 4}) is None
    session, _ = engine.start(questionnaire, now=NOW, answers={**answers, evaluated: 4})
    for _ in range(60):  # answer what comes before: no, skip, not reached, the first choice or 1
        if session.cursor == question:
            break
        kind = questionnaire.question(session.cursor or "").type
        reply = {"yes_no": "không", "evidence": "bỏ qua", "level": "chưa đạt", "choice": "1"}.get(kind, "1")
        session, _ = engine.resume(session, Text(reply), questionnaire=questionnaire, now=NOW)
    assert session.cursor == question
    session, events = engine.resume(session, Text("5"), questionnaire=questionnaire, now=NOW)
    rejected = [e for e in events if isinstance(e, AnswerRejected)]
    assert rejected and "không được lớn hơn" in rejected[0].reason
    session, events = engine.resume(session, Text("4"), questionnaire=questionnaire, now=NOW)
    assert any(isinstance(e, AnswerRecorded) and e.question_id == question for e in events)


def test_evaluated_is_bounded_by_what_the_village_has() -> None:
    village = builtin_questionnaires()["village_head"]
    assert broken_relation(village, "families_assessed", 251, {"households": 250}) is not None
    assert broken_relation(village, "clans_assessed", 7, {"clans": 6}) is not None


def test_nothing_recognised_is_asked_when_nothing_was_evaluated() -> None:
    village = builtin_questionnaires()["village_head"]
    asked = {
        q.id
        for q in relevant_questions(
            *engine.start(
                village, now=NOW, answers={"families_assessed": 0, "clans": 0, "village_cdht_assessed": False}
            )[:1],
            village,
        )
    }
    assert not {"learning_families", "clans_assessed", "learning_clans", "village_cdht"} & asked
    asked = {
        q.id
        for q in relevant_questions(
            *engine.start(
                village,
                now=NOW,
                answers={
                    "families_assessed": 3,
                    "clans": 2,
                    "clans_assessed": 0,
                    "village_cdht_assessed": True,
                },
            )[:1],
            village,
        )
    }
    assert {"learning_families", "clans_assessed", "village_cdht"} <= asked and "learning_clans" not in asked
    commune = builtin_questionnaires()["commune_officer"]
    extras = {"extra_learning_families", "extra_learning_clans", "extra_learning_villages"}
    assert not extras & set(relevant_values(commune, {"extra_models": False, "extra_learning_families": 3}))
    assert extras <= {
        q.id
        for q in relevant_questions(
            *engine.start(commune, now=NOW, answers={"extra_models": True})[:1], commune
        )
    }
