"""A new questionnaire version deployed while sessions are open.

VE1 answers whose question still exists with the same type and a value that still fits are kept; answers of
    removed questions, of questions whose type changed, and values now out of bounds are dropped and asked
VE2 the person is told once (Notice "migrated"); the session continues on the new version (id, version,
    hash recorded); the message that arrived is taken as an answer only if the question being asked is
    exactly the one the person saw
VE3 a completed session with a new required question asks it, then completes again
VE4 migration never raises, even for a session of another questionnaire
VE5 a question whose revision was raised (it now asks the whole indicator) has its earlier answer withdrawn and
    asked again, even when its type and value still fit; answers of unchanged questions are kept
"""

from __future__ import annotations

import pytest
from conversation_harness import play

from cdht.conversations.definition.loader import builtin_questionnaires, parse_questionnaire
from cdht.conversations.engine.events import Notice, QuestionReopened
from cdht.conversations.engine.steps import resume
from cdht.conversations.inbound import Choice, Command, Media, Text

V1 = """
id: mini
version: 1
title: Phiếu thử
audience: village_head
questions:
  - {id: households, type: integer, label: "Số hộ?", unit: hộ, min: 1}
  - {id: citizens, type: integer, label: "Số công dân?", unit: người, min: 1}
  - {id: clubs, type: integer, label: "Số câu lạc bộ?", min: 0}
  - {id: note, type: text, label: "Ghi chú?", required: false}
"""
# v2: citizens gets an upper bound, clubs becomes yes/no, note is removed, fund is added.
V2 = """
id: mini
version: 2
title: Phiếu thử
audience: village_head
questions:
  - {id: households, type: integer, label: "Số hộ?", unit: hộ, min: 1}
  - {id: citizens, type: integer, label: "Số công dân?", unit: người, min: 1, max: 1000}
  - {id: clubs, type: yes_no, label: "Thôn có câu lạc bộ không?"}
  - {id: fund, type: money, label: "Quỹ khuyến học?", min: 0}
"""


@pytest.fixture(scope="module")
def versions():
    return {"v1": parse_questionnaire(V1), "v2": parse_questionnaire(V2)}


def test_deploy_mid_session_ve1_ve2(versions, golden):
    run = golden.check(versions["v1"], versions=versions)
    session = run.session
    v2 = versions["v2"]
    assert (session.questionnaire_id, session.questionnaire_version, session.questionnaire_hash) == (
        "mini",
        2,
        v2.content_hash,
    )
    notice = next(event for events in run.events for event in events if isinstance(event, Notice))
    assert notice.text == (
        "Bộ câu hỏi đã được cập nhật (phiên bản 2). Các câu trả lời còn phù hợp được giữ nguyên. 2 câu cần trả lời lại."
    )


def test_a_change_elsewhere_does_not_lose_the_message_ve2(versions, golden):
    v1b = parse_questionnaire(V1.replace('label: "Ghi chú?"', 'label: "Ghi chú thêm?"'))
    golden.check(versions["v1"], versions={"v1b": v1b})


def test_completed_session_meets_a_new_required_question_ve3(versions, golden):
    golden.check(versions["v1"], versions=versions)


@pytest.mark.parametrize(
    "inbound",
    [Text("12"), Command("back"), Choice("clubs", "yes"), Media("photo", "f"), Command("edit", "1")],
)
def test_a_session_of_another_questionnaire_is_migrated_not_refused_ve4(versions, inbound):
    village = builtin_questionnaires()["village_head"]
    stranger = play(village, "> 1.250\n> 3.000\n> /summary").session
    session, events = resume(stranger, inbound, questionnaire=versions["v2"], now=stranger.updated_at)
    assert isinstance(events[0], Notice) and events[0].code == "migrated"
    assert session.questionnaire_id == "mini"
    assert set(session.answers) <= {"households", "citizens"}


def test_a_widened_question_is_asked_again_ve5():
    commune = builtin_questionnaires()["commune_officer"]
    assert commune.get("i3_3").revision == 2
    answered = play(
        commune,
        "> [i1_1:no]\n> [i1_2:no]\n> [i1_3:no]\n> [i2_1:no]\n> [i2_2:no]\n> [i2_3:no]"
        "\n> [i3_1:no]\n> [i3_2:no]\n> [i3_3:yes]\n> /later",
    ).session
    assert answered.answers["i3_3"].value is True
    # As stored by the previous release: answers carried no revision (read as 1), and another hash.
    old = answered.model_copy(deep=True)
    old.answers["i3_3"] = old.answers["i3_3"].model_copy(update={"revision": 1})
    old.questionnaire_hash = "0" * 64
    session, events = resume(old, Command("summary"), questionnaire=commune, now=old.updated_at)
    assert [e.question_id for e in events if isinstance(e, QuestionReopened)] == ["i3_3"]
    assert "i3_3" not in session.answers and session.answers["i3_2"].value is False
    notice = next(e for e in events if isinstance(e, Notice))
    assert notice.code == "migrated" and "1 câu cần trả lời lại" in notice.text
    # Answered again under revision 2, it stays through the next migration.
    again = answered.model_copy(deep=True)
    again.questionnaire_hash = "0" * 64
    session, events = resume(again, Command("summary"), questionnaire=commune, now=again.updated_at)
    assert session.answers["i3_3"].value is True and not any(isinstance(e, QuestionReopened) for e in events)
