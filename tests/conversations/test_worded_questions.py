"""Questions worded by a setting the unit inherits: the village's `citizens` question and its commune's base.

WQ1 the village question is worded by the base: «từ 15 tuổi trở lên» without «kể cả trẻ em»; the default
    (and an unknown value) is everyone «kể cả trẻ em»; the definition and its hash do not change
WQ2 a session begun with a base asks in its wording and keeps the base it was worded with
WQ3 `reword`: an answer counted on the old base is reopened and asked again in the new wording, with the
    reason; nothing happens when the base does not change, and a question not reached yet is only reworded
WQ4 the wordings agree with the commune's choices and with the labels scoring prints
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cdht.conversations import engine
from cdht.conversations.definition.loader import builtin_questionnaires, parse_questionnaire
from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.engine.events import Notice, QuestionAsked, QuestionReopened
from cdht.conversations.engine.reopening import reword
from cdht.conversations.inbound import Text
from cdht.conversations.render.replies import render
from cdht.scoring.rules.citizen_counts import BASE_LABELS, DEFAULT_BASE

NOW = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)
CHILDREN = "kể cả trẻ em"
AGED_15 = "từ 15 tuổi trở lên"


@pytest.fixture(scope="module")
def village() -> Questionnaire:
    return builtin_questionnaires()["village_head"]


def asked(events: list[object]) -> list[QuestionAsked]:
    return [event for event in events if isinstance(event, QuestionAsked)]


def test_the_citizens_question_follows_the_base_wq1(village: Questionnaire) -> None:
    plain = village.question("citizens")
    assert CHILDREN in plain.help and village.settings == {"citizen_base": DEFAULT_BASE}
    aged = village.worded({"citizen_base": "age15plus"})
    question = aged.question("citizens")
    assert AGED_15 in question.label and AGED_15 in question.help and AGED_15 in question.name
    assert CHILDREN not in question.label + question.help
    assert aged.settings == {"citizen_base": "age15plus"}
    assert aged.content_hash == village.content_hash  # same definition: no version migration
    assert aged.question("households") == village.question("households")
    assert village.worded({"citizen_base": "ai biết"}) is village
    assert village.worded({}) is village
    assert aged.worded({"citizen_base": "all"}) is village


def test_a_session_is_asked_in_the_wording_of_its_base_wq2(village: Questionnaire) -> None:
    settings = {"citizen_base": "age15plus"}
    session, events = engine.start(village, now=NOW, answers={"households": 250}, settings=settings)
    assert session.settings == settings
    [question] = asked(events)
    assert question.question_id == "citizens" and AGED_15 in question.label and CHILDREN not in question.help
    session, events = engine.resume(session, Text("980"), questionnaire=village, now=NOW)
    assert session.answers["citizens"].value == 980 and session.settings == settings
    session, events = engine.resume(session, Text("xem lại"), questionnaire=village, now=NOW)
    assert AGED_15 in "\n".join(message.text for message in render(events, session, village))


def test_reword_reopens_what_was_counted_the_old_way_wq3(village: Questionnaire) -> None:
    session, _ = engine.start(village, now=NOW, answers={"households": 250, "citizens": 1000})
    assert session.settings == {"citizen_base": "all"}
    same, events = reword(session, village, {"citizen_base": "all"}, "không đổi", now=NOW)
    assert events == [] and same.answers == session.answers

    changed, events = reword(session, village, {"citizen_base": "age15plus"}, "xã đổi cách tính", now=NOW)
    assert changed.settings == {"citizen_base": "age15plus"}
    assert "citizens" not in changed.answers and changed.answers["households"].value == 250
    assert [e.question_id for e in events if isinstance(e, QuestionReopened)] == ["citizens"]
    notice = next(e for e in events if isinstance(e, Notice))
    assert "xã đổi cách tính" in notice.text and AGED_15 in notice.text
    [again] = asked(events)
    assert again.question_id == "citizens" and AGED_15 in again.label and CHILDREN not in again.help
    text = "\n".join(message.text for message in render(events, changed, village))
    assert AGED_15 in text and CHILDREN not in text
    assert session.settings == {"citizen_base": "all"}  # the caller's session is not changed


def test_reword_before_the_question_is_reached_only_rewords_wq3(village: Questionnaire) -> None:
    session, first = engine.start(village, now=NOW)
    assert asked(first)[0].question_id == "households"
    changed, events = reword(session, village, {"citizen_base": "registered"}, "xã đổi", now=NOW)
    assert events == [] and changed.settings == {"citizen_base": "registered"}
    changed, events = engine.resume(changed, Text("250"), questionnaire=village, now=NOW)
    [question] = asked(events)
    assert question.question_id == "citizens" and "đăng ký cư trú" in question.label


def test_reword_while_the_question_is_being_asked_asks_it_again_wq3(village: Questionnaire) -> None:
    session, _ = engine.start(village, now=NOW, answers={"households": 250})
    assert session.cursor == "citizens"
    changed, events = reword(session, village, {"citizen_base": "age15plus"}, "xã đổi", now=NOW)
    [question] = asked(events)
    assert question.question_id == "citizens" and AGED_15 in question.label
    assert changed.cursor == "citizens" and "citizens" in changed.reopened


def test_the_wordings_match_the_communes_choices_and_the_scoring_labels_wq4(village: Questionnaire) -> None:
    variation = village.question("citizens").varies_by
    assert variation is not None and variation.setting == "citizen_base" and variation.default == DEFAULT_BASE
    commune = builtin_questionnaires()["commune_officer"].question("citizen_base")
    assert commune.fact == variation.setting
    assert [code for code, _ in commune.choices] == list(variation.variants)
    assert {code: variant.name for code, variant in variation.variants.items()} == BASE_LABELS


def test_a_default_variant_with_its_own_wording_is_refused_wq4() -> None:
    text = """
id: t
version: 1
title: T
audience: village_head
questions:
  - id: a
    type: integer
    label: A
    varies_by: {setting: s, default: x, variants: {x: {name: X, label: Khác}}}
"""
    with pytest.raises(Exception, match="only a name"):
        parse_questionnaire(text)
