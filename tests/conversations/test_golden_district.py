"""Golden transcripts: the district questionnaire and its owners.

DI1 each department sees only the questions it owns (Questionnaire.for_owner); owners follow the
    district assignment: culture office 2.4 and 3.2, labour office 4.2 and 4.3, culture-sports centre
    1.1 and 3.3, education office everything else
DI2 the labour office answers income (money) and employment rate (percent) for two years, with evidence
DI3 the whole district questionnaire runs end to end
"""

from __future__ import annotations

import pytest
from conversation_harness import check

from cdht.conversations.definition.errors import QuestionnaireError
from cdht.conversations.definition.loader import builtin_questionnaires


@pytest.fixture(scope="module")
def district():
    return builtin_questionnaires()["district"]


def test_each_department_sees_only_its_questions_di1(district):
    facts = {
        owner: [q.fact for q in district.for_owner(owner).questions if q.fact] for owner in district.owners
    }
    assert facts == {
        "phong_gddt": ["1.2", "1.3", "2.1", "2.2", "2.3", "3.1"],
        "phong_vhtt": ["2.4", "3.2"],
        "phong_ldtbxh": [
            "income_per_capita",
            "income_per_capita_previous",
            "employment_rate",
            "employment_rate_previous",
        ],
        "trung_tam_vhtt": ["1.1", "3.3"],
    }
    labour = district.for_owner("phong_ldtbxh")
    assert labour.id == "district" and labour.content_hash != district.content_hash
    assert labour.title.endswith("Phòng Lao động – Thương binh và Xã hội")
    with pytest.raises(QuestionnaireError) as error:
        district.for_owner("phong_tai_chinh")
    assert error.value.code == "Q002"


def test_labour_office_income_and_employment_di2(district):
    check(
        district.for_owner("phong_ldtbxh"),
        """
        ask income_per_capita 1/6
        > 62,5 triệu
        record income_per_capita = 62500000 «62.500.000 đ»
        ask income_per_capita_previous 2/6
        > nhiều lắm
        reject income_per_capita_previous
        > 58.000.000đ
        record income_per_capita_previous = 58000000 «58.000.000 đ»
        ask income_evidence 3/6
        > document:tk.pdf
        attach income_evidence tk.pdf
        ack income_evidence files=1
        > xong
        record income_evidence = 1 «1 ảnh/tệp»
        ask employment_rate 4/6
        > 150%
        reject employment_rate
        > 96,2%
        record employment_rate = 96.2 «96,2%»
        ask employment_rate_previous 5/6
        > 95,8
        record employment_rate_previous = 95.8 «95,8%»
        ask employment_evidence 6/6
        > /skip
        notice evidence_missing
        summary answered=5/6 missing=0
        > /done
        completed 5/6
        """,
    )


def test_whole_district_di3(district):
    check(
        district,
        """
        ask d1_1 1/16
        > [d1_1:no]
        record d1_1 = false «Không»
        ask d1_2 2/16
        > [d1_2:no]
        record d1_2 = false «Không»
        ask d1_3 3/16
        > [d1_3:no]
        record d1_3 = false «Không»
        ask d2_1 4/16
        > [d2_1:no]
        record d2_1 = false «Không»
        ask d2_2 5/16
        > [d2_2:no]
        record d2_2 = false «Không»
        ask d2_3 6/16
        > [d2_3:no]
        record d2_3 = false «Không»
        ask d2_4 7/16
        > [d2_4:yes]
        record d2_4 = true «Có»
        ask d2_4_evidence 8/17
        > photo:s1
        attach d2_4_evidence s1
        ack d2_4_evidence files=1
        > xong
        record d2_4_evidence = 1 «1 ảnh/tệp»
        ask d3_1 9/17
        > [d3_1:no]
        record d3_1 = false «Không»
        ask d3_2 10/17
        > [d3_2:no]
        record d3_2 = false «Không»
        ask d3_3 11/17
        > [d3_3:no]
        record d3_3 = false «Không»
        ask income_per_capita 12/17
        > 60 triệu
        record income_per_capita = 60000000 «60.000.000 đ»
        ask income_per_capita_previous 13/17
        > 55 triệu
        record income_per_capita_previous = 55000000 «55.000.000 đ»
        ask income_evidence 14/17
        > /skip
        notice evidence_missing
        ask employment_rate 15/17
        > 96
        record employment_rate = 96.0 «96%»
        ask employment_rate_previous 16/17
        > 95
        record employment_rate_previous = 95.0 «95%»
        ask employment_evidence 17/17
        > /skip
        notice evidence_missing
        summary answered=15/17 missing=0
        > /done
        completed 15/17
        """,
    )
