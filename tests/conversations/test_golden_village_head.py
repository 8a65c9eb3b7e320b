"""Golden transcripts: the village head questionnaire.

Requirements covered (ids cited by the tests):
  VH1 happy path over every question type of the questionnaire, ending in confirmation and completion
  VH2 bad answers are refused with nothing recorded and the question stays current
  VH3 back re-asks the previous question showing its answer; a new answer replaces it (previous value kept)
  VH4 a required question cannot be skipped; "chưa biết"/"để sau" defers it to the end, asked once more
  VH5 completion needs every required relevant question; the confirmation summary lists what is missing
  VH6 summary and "sửa N": edit, then back to the summary; editing after completion completes again
  VH7 an edit that breaks a relation reopens the dependent questions (cascading) and asks them
  VH8 an album is attached photo by photo and acknowledged once; a repeated file is not attached twice
  VH9 photos sent to a question that accepts evidence go to its evidence question; elsewhere they are refused
  VH10 stale buttons, unexpected locations and contacts get a short notice and the current question again
"""

from __future__ import annotations

import pytest

from cdht.conversations.definition.loader import builtin_questionnaires


@pytest.fixture(scope="module")
def village():
    return builtin_questionnaires()["village_head"]


def test_happy_path_vh1(village, golden):
    golden.check(village)


def test_typed_multi_choice_and_irrelevant_branches_vh1(village, golden):
    golden.check(village)


def test_bad_answers_are_refused_and_nothing_is_recorded_vh2_vh4(village, golden):
    run = golden.check(village)
    assert list(run.session.answers) == ["households"]


def test_back_defer_and_stale_buttons_vh3_vh4_vh10(village, golden):
    golden.check(village)


def test_deferred_questions_come_back_once_and_completion_waits_for_them_vh4_vh5_vh6(village, golden):
    golden.check(village)


def test_summary_edit_returns_to_the_summary_vh6(village, golden):
    golden.check(village)


def test_lowering_citizens_below_trained_reopens_trained_then_university_vh7(village, golden):
    run = golden.check(village)
    reopened = [
        event for events in run.events for event in events if type(event).__name__ == "QuestionReopened"
    ]
    assert reopened[1].reason == (
        "Số người đã qua đào tạo (1.500 người) không được lớn hơn số công dân vừa sửa (1.000 người). Xin nhập lại."
    )


def test_album_is_acknowledged_once_vh8(village, golden):
    run = golden.check(village)
    refs = run.session.evidence["communication_photos"]
    assert [ref.file_ref for ref in refs] == ["a1", "a2", "a3", "b1"]
    assert [ref.group_id for ref in refs] == ["album", "album", "album", "album2"]


def test_photos_go_to_the_evidence_of_the_current_question_vh9(village, golden):
    golden.check(village)
