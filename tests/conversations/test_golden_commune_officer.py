"""Golden transcripts: the commune officer questionnaire.

CO1 happy path: yes/no indicators with evidence asked only after "yes", levels by button and typed,
    the denominator choice, the difficult-area flag and the commune totals behind "Xã tự nhập tổng số?"
CO2 expected evidence: "xong" without files is refused; skip and defer are allowed with a warning
CO3 photos sent while the yes/no indicator is asked go to its evidence question (an album acknowledged once)
CO4 relevance is recomputed after every answer: totals hidden by an edit are kept, not counted, and come
    back answered when the edit is undone; editing after completion completes again
"""

from __future__ import annotations

import pytest
from conversation_harness import check

from cdht.conversations.definition.loader import builtin_questionnaires


@pytest.fixture(scope="module")
def commune():
    return builtin_questionnaires()["commune_officer"]


def test_happy_path_with_evidence_and_totals_co1_co2(commune):
    run = check(
        commune,
        """
        ask i1_1 1/16
        > [i1_1:yes]
        record i1_1 = true «Có»
        ask i1_1_evidence 2/17
        > photo:k1
        attach i1_1_evidence k1
        ack i1_1_evidence files=1
        > xong
        record i1_1_evidence = 1 «1 ảnh/tệp»
        ask i1_2 3/17
        > có
        record i1_2 = true «Có»
        ask i1_2_evidence 4/18
        > document:kh.pdf
        attach i1_2_evidence kh.pdf
        ack i1_2_evidence files=1
        > /done
        record i1_2_evidence = 1 «1 ảnh/tệp»
        ask i1_3 5/18
        > [i1_3:no]
        record i1_3 = false «Không»
        ask i2_1 6/18
        > [i2_1:yes]
        record i2_1 = true «Có»
        ask i2_1_evidence 7/19
        > photo:dt
        attach i2_1_evidence dt
        ack i2_1_evidence files=1
        > xong
        record i2_1_evidence = 1 «1 ảnh/tệp»
        ask i2_2 8/19
        > không
        record i2_2 = false «Không»
        ask i2_3 9/19
        > [i2_3:yes]
        record i2_3 = true «Có»
        ask i2_3_evidence 10/20
        > /skip
        notice evidence_missing
        ask i3_1 11/20
        > [i3_1:yes]
        record i3_1 = true «Có»
        ask i3_1_evidence 12/21
        > /later
        notice evidence_missing
        ask i3_2 13/21
        > [i3_2:no]
        record i3_2 = false «Không»
        ask i3_3 14/21
        > [i3_3:no]
        record i3_3 = false «Không»
        ask i4_1 15/21
        > [i4_1:yes]
        record i4_1 = true «Có»
        ask i4_1_evidence 16/22
        > photo:qd41
        attach i4_1_evidence qd41
        ack i4_1_evidence files=1
        > xong
        record i4_1_evidence = 1 «1 ảnh/tệp»
        ask i4_2 17/22
        > [i4_2:3]
        record i4_2 = 3 «Mức độ 3»
        ask i4_2_evidence 18/23
        > document:qd.pdf
        attach i4_2_evidence qd.pdf
        ack i4_2_evidence files=1
        > xong
        record i4_2_evidence = 1 «1 ảnh/tệp»
        ask i4_3 19/23
        > mức 2
        record i4_3 = 2 «Mức độ 2»
        ask i4_3_evidence 20/24
        > /skip
        notice evidence_missing
        ask i4_4 21/24
        > [i4_4:0]
        record i4_4 = 0 «Chưa đạt»
        ask citizen_base 22/24
        > [citizen_base:age15plus]
        record citizen_base = "age15plus" «Công dân từ 15 tuổi trở lên»
        ask difficult_area 23/24
        > [difficult_area:yes]
        record difficult_area = true «Có»
        ask enter_totals 24/24
        > [enter_totals:yes]
        record enter_totals = true «Có»
        ask citizens 25/28
        > 8.450
        record citizens = 8450 «8.450 người»
        ask learning_citizens 26/28
        > 5.300
        record learning_citizens = 5300 «5.300 người»
        ask trained_citizens 27/28
        > 4.300
        record trained_citizens = 4300 «4.300 người»
        ask university_citizens 28/28
        > 1.050
        record university_citizens = 1050 «1.050 người»
        notice deferred_round
        ask i3_1_evidence 12/28
        > /done
        reject i3_1_evidence
        > /later
        notice evidence_missing
        summary answered=25/28 missing=0
        > /done
        completed 25/28
        """,
    )
    assert run.session.state == "completed"
    assert run.session.answers["citizen_base"].value == "age15plus"
    assert "i2_3_evidence" in run.session.skipped and "i3_1_evidence" in run.session.deferred
    warnings = [
        event.text
        for events in run.events
        for event in events
        if getattr(event, "code", "") == "evidence_missing"
    ]
    assert warnings[0] == (
        "Lưu ý: không có minh chứng thì chỉ tiêu 2.3 sẽ không được tính là đạt khi lập hồ sơ. "
        "Có thể gửi bổ sung sau (gõ «sửa N»)."
    )


def test_early_photos_relevance_and_edits_after_completion_co3_co4(commune):
    run = check(
        commune,
        """
        ask i1_1 1/16
        > photo:early@a
        attach i1_1_evidence early
        ack i1_1 files=1
        > photo:early2@a
        attach i1_1_evidence early2
        > [i1_1:yes]
        record i1_1 = true «Có»
        ask i1_1_evidence 2/17
        > /done
        record i1_1_evidence = 2 «2 ảnh/tệp»
        ask i1_2 3/17
        > [i1_2:no]
        record i1_2 = false «Không»
        ask i1_3 4/17
        > [i1_3:no]
        record i1_3 = false «Không»
        ask i2_1 5/17
        > [i2_1:no]
        record i2_1 = false «Không»
        ask i2_2 6/17
        > [i2_2:no]
        record i2_2 = false «Không»
        ask i2_3 7/17
        > [i2_3:no]
        record i2_3 = false «Không»
        ask i3_1 8/17
        > [i3_1:no]
        record i3_1 = false «Không»
        ask i3_2 9/17
        > [i3_2:no]
        record i3_2 = false «Không»
        ask i3_3 10/17
        > [i3_3:no]
        record i3_3 = false «Không»
        ask i4_1 11/17
        > [i4_1:no]
        record i4_1 = false «Không»
        ask i4_2 12/17
        > [i4_2:2]
        record i4_2 = 2 «Mức độ 2»
        ask i4_2_evidence 13/18
        > [i4_1:yes]
        notice stale_button
        ask i4_2_evidence 13/18
        > /later
        notice evidence_missing
        ask i4_3 14/18
        > [i4_3:0]
        record i4_3 = 0 «Chưa đạt»
        ask i4_4 15/18
        > 7
        reject i4_4
        > 2
        record i4_4 = 2 «Mức độ 2»
        ask i4_4_evidence 16/19
        > /skip
        notice evidence_missing
        ask citizen_base 17/19
        > [citizen_base:all]
        record citizen_base = "all" «Toàn bộ công dân trong xã»
        ask difficult_area 18/19
        > [difficult_area:no]
        record difficult_area = false «Không»
        ask enter_totals 19/19
        > [enter_totals:yes]
        record enter_totals = true «Có»
        ask citizens 20/23
        > 8.450
        record citizens = 8450 «8.450 người»
        ask learning_citizens 21/23
        > 9.000
        reject learning_citizens
        > 5.300
        record learning_citizens = 5300 «5.300 người»
        ask trained_citizens 22/23
        > 4.300
        record trained_citizens = 4300 «4.300 người»
        ask university_citizens 23/23
        > 1.050
        record university_citizens = 1050 «1.050 người»
        notice deferred_round
        ask i4_2_evidence 13/23
        > sửa 19
        ask enter_totals 19/23 current=«Có»
        > [enter_totals:no]
        record enter_totals = false «Không» was true
        summary answered=17/19 missing=0
        > /done
        completed 17/19
        > sửa 19
        ask enter_totals 19/19 current=«Không»
        > [enter_totals:yes]
        record enter_totals = true «Có» was false
        summary answered=21/23 missing=0
        completed 21/23
        > /summary
        summary answered=21/23 missing=0
        """,
    )
    assert run.session.answers["citizens"].value == 8450
