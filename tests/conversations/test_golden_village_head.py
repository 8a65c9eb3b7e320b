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
from conversation_harness import check

from cdht.conversations.definition.loader import builtin_questionnaires


@pytest.fixture(scope="module")
def village():
    return builtin_questionnaires()["village_head"]


def test_happy_path_vh1(village):
    check(
        village,
        """
        ask households 1/14
        > 1.250
        record households = 1250 «1.250 hộ»
        ask citizens 2/14
        > 3.000
        record citizens = 3000 «3.000 người»
        ask learning_citizens 3/14
        > 2.400
        record learning_citizens = 2400 «2.400 người»
        ask trained_citizens 4/14
        > 1.800
        record trained_citizens = 1800 «1.800 người»
        ask university_citizens 5/14
        > 450
        record university_citizens = 450 «450 người»
        ask learning_families 6/14
        > 900
        record learning_families = 900 «900 hộ»
        ask clans 7/14
        > 6
        record clans = 6 «6 dòng họ»
        ask learning_clans 8/15
        > 4
        record learning_clans = 4 «4 dòng họ»
        ask village_cdht 9/15
        > [village_cdht:yes]
        record village_cdht = true «Có»
        ask communication_sessions 10/15
        > 5
        record communication_sessions = 5 «5 buổi»
        ask communication_photos 11/16
        > photo:p1
        attach communication_photos p1
        ack communication_photos files=1
        > document:bienban.pdf
        attach communication_photos bienban.pdf
        ack communication_photos files=2
        > xong
        record communication_photos = 2 «2 ảnh/tệp»
        ask lifelong_week 12/16
        > có
        record lifelong_week = true «Có»
        ask lifelong_week_activities 13/19
        > [lifelong_week_activities:reading]
        ask lifelong_week_activities 13/19 selected=reading
        > [lifelong_week_activities:communication]
        ask lifelong_week_activities 13/19 selected=reading,communication
        > [lifelong_week_activities:reading]
        ask lifelong_week_activities 13/19 selected=communication
        > [lifelong_week_activities:classes]
        ask lifelong_week_activities 13/19 selected=communication,classes
        > /done
        record lifelong_week_activities = ["communication", "classes"] «Tuyên truyền cổ động, Lớp học chuyên đề»
        ask lifelong_week_date 14/19
        > 2/10/2024
        record lifelong_week_date = "2024-10-02" «02/10/2024»
        ask lifelong_week_photos 15/19
        > photo:w1
        attach lifelong_week_photos w1
        ack lifelong_week_photos files=1
        > /done
        record lifelong_week_photos = 1 «1 ảnh/tệp»
        ask clubs 16/19
        > 3
        record clubs = 3 «3 câu lạc bộ»
        ask club_photos 17/20
        > /skip
        ask fund_raised 18/20
        > 12,5 triệu
        record fund_raised = 12500000 «12.500.000 đ»
        ask cultural_house_location 19/20
        > location:21.0285,105.8542
        record cultural_house_location = {"latitude": 21.0285, "longitude": 105.8542} «21.02850, 105.85420»
        ask notes 20/20
        > Số liệu theo sổ hộ tháng 12.
        record notes = "Số liệu theo sổ hộ tháng 12." «Số liệu theo sổ hộ tháng 12.»
        summary answered=19/20 missing=0
        > /done
        completed 19/20
        """,
    )


def test_typed_multi_choice_and_irrelevant_branches_vh1(village):
    check(
        village,
        """
        ask households 1/14
        > 350
        record households = 350 «350 hộ»
        ask citizens 2/14
        > 1250
        record citizens = 1250 «1.250 người»
        ask learning_citizens 3/14
        > 0
        record learning_citizens = 0 «0 người»
        ask trained_citizens 4/14
        > 0
        record trained_citizens = 0 «0 người»
        ask university_citizens 5/14
        > 0
        record university_citizens = 0 «0 người»
        ask learning_families 6/14
        > 0
        record learning_families = 0 «0 hộ»
        ask clans 7/14
        > 0
        record clans = 0 «0 dòng họ»
        ask village_cdht 8/14
        > khong
        record village_cdht = false «Không»
        ask communication_sessions 9/14
        > 0
        record communication_sessions = 0 «0 buổi»
        ask lifelong_week 10/14
        > co
        record lifelong_week = true «Có»
        ask lifelong_week_activities 11/17
        > 1, 2
        record lifelong_week_activities = ["communication", "reading"] «Tuyên truyền cổ động, Ngày hội đọc sách»
        ask lifelong_week_date 12/17
        > /back
        ask lifelong_week_activities 11/17 current=«Tuyên truyền cổ động, Ngày hội đọc sách»
        > /back
        ask lifelong_week 10/17 current=«Có»
        > [lifelong_week:no]
        record lifelong_week = false «Không» was true
        ask clubs 11/14
        """,
    )


def test_bad_answers_are_refused_and_nothing_is_recorded_vh2_vh4(village):
    run = check(
        village,
        """
        ask households 1/14
        > abc
        reject households
        > -5
        reject households
        > 1,5
        reject households
        > 0
        reject households
        > bỏ qua
        reject households
        > /skip
        reject households
        > xong
        reject households
        > 1.250
        record households = 1250 «1.250 hộ»
        ask citizens 2/14
        """,
    )
    assert list(run.session.answers) == ["households"]


def test_back_defer_and_stale_buttons_vh3_vh4_vh10(village):
    check(
        village,
        """
        ask households 1/14
        > /back
        notice first_question
        ask households 1/14
        > 1.250
        record households = 1250 «1.250 hộ»
        ask citizens 2/14
        > quay lại
        ask households 1/14 current=«1.250 hộ»
        > 1.300
        record households = 1300 «1.300 hộ» was 1250
        ask citizens 2/14
        > Chưa biết
        ask learning_citizens 3/14
        > de sau
        ask trained_citizens 4/14
        > [citizens:yes]
        notice stale_button
        ask trained_citizens 4/14
        > [trained_citizens:yes]
        notice stale_button
        ask trained_citizens 4/14
        > location:21,105
        reject trained_citizens
        > contact:0912345678
        notice contact_unexpected
        ask trained_citizens 4/14
        > /menu
        notice unknown_command
        ask trained_citizens 4/14
        """,
    )


def test_deferred_questions_come_back_once_and_completion_waits_for_them_vh4_vh5_vh6(village):
    check(
        village,
        """
        ask households 1/14
        > 1.250
        record households = 1250 «1.250 hộ»
        ask citizens 2/14
        > chưa biết
        ask learning_citizens 3/14
        > 2.400
        record learning_citizens = 2400 «2.400 người»
        ask trained_citizens 4/14
        > để sau
        ask university_citizens 5/14
        > 450
        record university_citizens = 450 «450 người»
        ask learning_families 6/14
        > 900
        record learning_families = 900 «900 hộ»
        ask clans 7/14
        > 0
        record clans = 0 «0 dòng họ»
        ask village_cdht 8/14
        > [village_cdht:no]
        record village_cdht = false «Không»
        ask communication_sessions 9/14
        > 0
        record communication_sessions = 0 «0 buổi»
        ask lifelong_week 10/14
        > không
        record lifelong_week = false «Không»
        ask clubs 11/14
        > 0
        record clubs = 0 «0 câu lạc bộ»
        ask fund_raised 12/14
        > 0
        record fund_raised = 0 «0 đ»
        ask cultural_house_location 13/14
        > /skip
        ask notes 14/14
        > /later
        notice deferred_round
        ask citizens 2/14
        > 3.000
        record citizens = 3000 «3.000 người»
        ask trained_citizens 4/14
        > /later
        ask notes 14/14
        > /done
        reject notes
        > /later
        summary answered=11/14 missing=1
        > /done
        notice missing_required
        ask trained_citizens 4/14
        > 2.000
        record trained_citizens = 2000 «2.000 người»
        summary answered=12/14 missing=0
        > /done
        completed 12/14
        > sửa 4
        ask trained_citizens 4/14 current=«2.000 người»
        > 1.500
        record trained_citizens = 1500 «1.500 người» was 2000
        summary answered=12/14 missing=0
        completed 12/14
        > sửa 2
        ask citizens 2/14 current=«3.000 người»
        > 2.000
        record citizens = 2000 «2.000 người» was 3000
        reopen learning_citizens
        ask learning_citizens 3/14
        > 1.500
        record learning_citizens = 1500 «1.500 người»
        summary answered=12/14 missing=0
        completed 12/14
        """,
    )


def test_summary_edit_returns_to_the_summary_vh6(village):
    check(
        village,
        """
        ask households 1/14
        > 1.250
        record households = 1250 «1.250 hộ»
        ask citizens 2/14
        > 3.000
        record citizens = 3000 «3.000 người»
        ask learning_citizens 3/14
        > xem lại
        summary answered=2/14 missing=10
        > 1.000
        notice summary_hint
        > sửa 1
        ask households 1/14 current=«1.250 hộ»
        > 1.300
        record households = 1300 «1.300 hộ» was 1250
        summary answered=2/14 missing=10
        > sửa 99
        notice no_such_question
        summary answered=2/14 missing=10
        > /edit
        notice no_such_question
        summary answered=2/14 missing=10
        > sửa 2
        ask citizens 2/14 current=«3.000 người»
        > /skip
        summary answered=2/14 missing=10
        > sửa 1
        ask households 1/14 current=«1.300 hộ»
        > /back
        summary answered=2/14 missing=10
        > /resume
        ask learning_citizens 3/14
        > tóm tắt
        summary answered=2/14 missing=10
        > xong
        ask learning_citizens 3/14
        """,
    )


def test_lowering_citizens_below_trained_reopens_trained_then_university_vh7(village):
    run = check(
        village,
        """
        ask households 1/14
        > 1.250
        record households = 1250 «1.250 hộ»
        ask citizens 2/14
        > chưa biết
        ask learning_citizens 3/14
        > 2.000
        record learning_citizens = 2000 «2.000 người»
        ask trained_citizens 4/14
        > 1.500
        record trained_citizens = 1500 «1.500 người»
        ask university_citizens 5/14
        > 1.600
        reject university_citizens
        > 400
        record university_citizens = 400 «400 người»
        ask learning_families 6/14
        > /edit 2
        ask citizens 2/14
        > 1.000
        record citizens = 1000 «1.000 người»
        reopen learning_citizens
        reopen trained_citizens
        ask learning_citizens 3/14
        > 900
        record learning_citizens = 900 «900 người»
        ask trained_citizens 4/14
        > 300
        record trained_citizens = 300 «300 người»
        reopen university_citizens
        ask university_citizens 5/14
        > 6
        record university_citizens = 6 «6 người»
        summary answered=5/14 missing=7
        """,
    )
    reopened = [
        event for events in run.events for event in events if type(event).__name__ == "QuestionReopened"
    ]
    assert reopened[1].reason == (
        "Số người đã qua đào tạo (1.500 người) không được lớn hơn số công dân vừa sửa (1.000 người). Xin nhập lại."
    )


def test_album_is_acknowledged_once_vh8(village):
    run = check(
        village,
        """
        ask households 1/14
        > 1.250
        record households = 1250 «1.250 hộ»
        ask citizens 2/14
        > 3.000
        record citizens = 3000 «3.000 người»
        ask learning_citizens 3/14
        > 2.400
        record learning_citizens = 2400 «2.400 người»
        ask trained_citizens 4/14
        > 1.800
        record trained_citizens = 1800 «1.800 người»
        ask university_citizens 5/14
        > 450
        record university_citizens = 450 «450 người»
        ask learning_families 6/14
        > 900
        record learning_families = 900 «900 hộ»
        ask clans 7/14
        > 0
        record clans = 0 «0 dòng họ»
        ask village_cdht 8/14
        > [village_cdht:no]
        record village_cdht = false «Không»
        ask communication_sessions 9/14
        > 2
        record communication_sessions = 2 «2 buổi»
        ask communication_photos 10/15
        > xong
        reject communication_photos
        > photo:a1@album
        attach communication_photos a1
        ack communication_photos files=1
        > photo:a2@album
        attach communication_photos a2
        > photo:a3@album
        attach communication_photos a3
        > photo:b1@album2
        attach communication_photos b1
        ack communication_photos files=4
        > photo:b1@album2
        > xong
        record communication_photos = 4 «4 ảnh/tệp»
        ask lifelong_week 11/15
        """,
    )
    refs = run.session.evidence["communication_photos"]
    assert [ref.file_ref for ref in refs] == ["a1", "a2", "a3", "b1"]
    assert [ref.group_id for ref in refs] == ["album", "album", "album", "album2"]


def test_photos_go_to_the_evidence_of_the_current_question_vh9(village):
    check(
        village,
        """
        ask households 1/14
        > photo:wrong
        reject households
        > 1.250
        record households = 1250 «1.250 hộ»
        ask citizens 2/14
        > 3.000
        record citizens = 3000 «3.000 người»
        ask learning_citizens 3/14
        > 2.400
        record learning_citizens = 2400 «2.400 người»
        ask trained_citizens 4/14
        > 1.800
        record trained_citizens = 1800 «1.800 người»
        ask university_citizens 5/14
        > 450
        record university_citizens = 450 «450 người»
        ask learning_families 6/14
        > 900
        record learning_families = 900 «900 hộ»
        ask clans 7/14
        > 0
        record clans = 0 «0 dòng họ»
        ask village_cdht 8/14
        > photo:decision
        attach village_cdht decision
        ack village_cdht files=1
        > [village_cdht:yes]
        record village_cdht = true «Có»
        ask communication_sessions 9/14
        > photo:early
        attach communication_photos early
        ack communication_sessions files=1
        > 2
        record communication_sessions = 2 «2 buổi»
        ask communication_photos 10/15
        > ảnh đây
        reject communication_photos
        > /done
        record communication_photos = 1 «1 ảnh/tệp»
        ask lifelong_week 11/15
        > xem lại
        summary answered=10/15 missing=3
        > photo:late
        notice media_unexpected
        """,
    )
