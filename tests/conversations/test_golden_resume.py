"""Golden transcripts: stopping and coming back.

RS1 a session stored as JSON mid-way and loaded days later continues with /start at the current question
RS2 /start after going back to an answered question goes to the first unanswered relevant question
RS3 answers already stored for the unit and year pre-fill a new session; values that do not fit are ignored
RS4 events carry exact values: the first question, a recorded answer with the clock's time
"""

from __future__ import annotations

import datetime

import pytest
from conversation_harness import T0, message_clock, play

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.engine.events import AnswerRecorded, Notice, QuestionAsked
from cdht.conversations.engine.session import Session
from cdht.conversations.engine.steps import resume, start
from cdht.conversations.inbound import Text


@pytest.fixture(scope="module")
def village():
    return builtin_questionnaires()["village_head"]


def test_restart_mid_way_then_resume_days_later_rs1(village, golden):
    first = play(village, "> 1.250\n> 3.000\n> photo:x")
    stored = first.session.model_dump_json()
    later = message_clock(T0 + datetime.timedelta(days=3))
    golden.check(village, session=Session.model_validate_json(stored), clock=later)


def test_resume_goes_to_the_first_unanswered_question_rs2(village, golden):
    first = play(village, "> 1.250\n> 3.000\n> 2.400\n> /back\n> /back")
    assert first.lines[-1] == "ask citizens 2/14 current=«3.000 người»"
    golden.check(village, session=first.session)


def test_prefilled_answers_rs3(village, golden):
    run = golden.check(
        village,
        answers={
            "households": 1250,
            "citizens": 3000.0,
            "clans": "many",
            "unknown": 1,
            "lifelong_week_date": "2024-10-02",
        },
    )
    assert set(run.session.answers) == {"households", "citizens", "lifelong_week_date"}
    assert run.session.answers["lifelong_week_date"].value == datetime.date(2024, 10, 2)
    assert run.session.answers["citizens"].display == "3.000 người"


def test_events_carry_exact_values_rs4(village):
    session, events = start(village, now=T0)
    households = village.question("households")
    assert events == [
        QuestionAsked(
            question_id="households",
            number=1,
            total=14,
            label=households.label,
            help=households.help,
            qtype="integer",
            choices=(),
            hint="350",
            can_skip=False,
            can_defer=True,
            can_go_back=False,
            expects="text",
            section="Dân số",
        )
    ]
    later = T0 + datetime.timedelta(minutes=5)
    session, events = resume(session, Text("1.250"), questionnaire=village, now=later)
    assert events[0] == AnswerRecorded("households", 1250, "1.250 hộ", "households", None, later)
    assert session.answers["households"].answered_at == later
    assert session.updated_at == later and session.started_at == T0
    assert not any(isinstance(event, Notice) for event in events)
