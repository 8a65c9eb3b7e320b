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

from cdht.conversations.definition.loader import builtin_questionnaires


@pytest.fixture(scope="module")
def commune():
    return builtin_questionnaires()["commune_officer"]


def test_happy_path_with_evidence_and_totals_co1_co2(commune, golden):
    run = golden.check(commune)
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


def test_early_photos_relevance_and_edits_after_completion_co3_co4(commune, golden):
    run = golden.check(commune)
    assert run.session.answers["citizens"].value == 8450
