"""Golden transcripts: the district questionnaire and its owners.

DI1 each department sees only the questions it owns (Questionnaire.for_owner); owners follow the
    district assignment: culture office 2.4 and 3.2, labour office 4.2 and 4.3, culture-sports centre
    1.1 and 3.3, education office everything else
DI2 the labour office answers income (money) and employment rate (percent) for two years, with evidence
DI3 the whole district questionnaire runs end to end
"""

from __future__ import annotations

import pytest

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
        "ldtbxh": [
            "income_per_capita",
            "income_per_capita_previous",
            "employment_rate",
            "employment_rate_previous",
        ],
        "trung_tam_vhtt": ["1.1", "3.3"],
    }
    labour = district.for_owner("ldtbxh")
    assert labour.id == "district" and labour.content_hash != district.content_hash
    assert labour.title.endswith("Phòng Lao động - Thương binh và Xã hội")
    with pytest.raises(QuestionnaireError) as error:
        district.for_owner("phong_tai_chinh")
    assert error.value.code == "Q002"


def test_labour_office_income_and_employment_di2(district, golden):
    golden.check(district.for_owner("ldtbxh"))


def test_whole_district_di3(district, golden):
    golden.check(district)
