"""Properties of the engine over random conversations with every builtin questionnaire.

PR1 the engine never raises, whatever arrives (texts, commands, stale or unknown buttons, media, locations)
PR2 no recorded answer is lost: each AnswerRecorded value stays in the session until a later AnswerRecorded
    for the same question supersedes it or a QuestionReopened withdraws it; nothing else appears
PR3 every attached file stays attached
PR4 the session round-trips through JSON to an equal object after every step
PR5 rendering never raises and keeps every message under the channel limit; a session that asks has a cursor
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.engine.events import AnswerRecorded, EvidenceAttached, QuestionReopened
from cdht.conversations.engine.session import Session
from cdht.conversations.engine.steps import resume, start
from cdht.conversations.inbound import Choice, Command, Contact, Location, Media, Text
from cdht.conversations.render.replies import MAX_LENGTH, render

T0 = datetime.datetime(2024, 11, 4, 8, 0, tzinfo=datetime.UTC)
BUILTINS = builtin_questionnaires()
QUESTIONNAIRES = {
    **BUILTINS,
    **{f"district:{owner}": BUILTINS["district"].for_owner(owner) for owner in BUILTINS["district"].owners},
}
TEXTS = [
    "0",
    "1",
    "3",
    "12",
    "450",
    "1.250",
    "3.000",
    "12,5",
    "45%",
    "96,2%",
    "12,5 triệu",
    "có",
    "không",
    "co",
    "khong",
    "mức 2",
    "2",
    "1, 2",
    "2/10/2024",
    "Loại B",
    "quay lại",
    "bỏ qua",
    "chưa biết",
    "để sau",
    "xem lại",
    "tóm tắt",
    "xong",
    "tiếp tục",
    "sửa 1",
    "sửa 3",
    "sửa 12",
    "sửa 40",
    "/start",
    "/back",
    "Toàn bộ công dân",
]


def strategies(questionnaire):
    """Per question: anything at all, and (more often) a button of that question, so conversations get deep.
    Built once: building strategies at every step would cost more than the engine."""
    anything = any_inbound(questionnaire)
    by_question = {None: anything}
    for question in questionnaire.questions:
        codes = [code for code, _ in question.options()]
        if codes:
            button = st.builds(Choice, st.just(question.id), st.sampled_from(codes))
            by_question[question.id] = st.one_of(button, button, anything)
    return by_question


def any_inbound(questionnaire):
    question_ids = [question.id for question in questionnaire.questions] + ["stale"]
    codes = sorted({code for q in questionnaire.questions for code, _ in q.options()} | {"zz"})
    return st.one_of(
        st.builds(Text, st.one_of(st.sampled_from(TEXTS), st.text(max_size=12))),
        st.builds(
            Command,
            st.sampled_from(["start", "resume", "back", "skip", "later", "summary", "done", "edit", "menu"]),
            st.one_of(st.none(), st.sampled_from(["1", "2", "5", "30", "x", ""])),
        ),
        st.builds(Choice, st.sampled_from(question_ids), st.sampled_from(codes)),
        st.builds(
            Media,
            st.sampled_from(["photo", "document", "video"]),
            st.sampled_from(["a", "b", "c", "d"]),
            group_id=st.sampled_from([None, "g1", "g2"]),
        ),
        st.builds(
            Location,
            st.floats(-100, 100, allow_nan=False),
            st.floats(-200, 200, allow_nan=False),
        ),
        st.builds(Contact, st.just("0912345678"), st.booleans()),
    )


STRATEGIES = {name: strategies(questionnaire) for name, questionnaire in QUESTIONNAIRES.items()}


@pytest.mark.parametrize("name", sorted(QUESTIONNAIRES))
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_conversations_keep_every_answer_pr1_to_pr5(name, data):
    questionnaire = QUESTIONNAIRES[name]
    session, events = start(questionnaire, now=T0)
    latest: dict[str, object] = {}
    attached: dict[str, set[str]] = {}
    steps = data.draw(st.integers(0, 80), label="steps")
    for step in range(1, steps + 1):
        by_question = STRATEGIES[name]
        key = session.cursor if session.state == "asking" and session.cursor in by_question else None
        inbound = data.draw(by_question[key], label=f"input {step}")
        now = T0 + datetime.timedelta(minutes=step)
        session, events = resume(session, inbound, questionnaire=questionnaire, now=now)
        for event in events:
            if isinstance(event, AnswerRecorded):
                latest[event.question_id] = event.value
            elif isinstance(event, QuestionReopened):
                latest.pop(event.question_id, None)
            elif isinstance(event, EvidenceAttached):
                attached.setdefault(event.question_id, set()).add(event.media.file_ref)
        assert {qid: answer.value for qid, answer in session.answers.items()} == latest
        for question_id, files in attached.items():
            assert files <= {ref.file_ref for ref in session.evidence[question_id]}
        assert Session.model_validate_json(session.model_dump_json()) == session
        for message in render(events, session, questionnaire):
            assert len(message.text) <= MAX_LENGTH
        if session.state in ("asking", "collecting_evidence"):
            assert session.cursor is not None and questionnaire.get(session.cursor) is not None
