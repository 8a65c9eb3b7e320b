"""The commune and district questions ask for the whole indicator they feed, in the circular's words.

A yes/no answer passes an indicator, so its question (label and help) must name every condition of the
indicator: the key phrases of each clause are listed here, from the circular (Điều 6 for communes, Điều 11
for districts); a question that drops one («thường xuyên tổ chức các hoạt động văn hóa văn nghệ…» of commune
3.3, «chuyển đổi số trong công việc» of district 2.4) fails. Sections that head a criterion («Tiêu chí N: …»)
carry the criterion's name from the criteria set, itself checked against the circular's text.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.definition.question import Question
from cdht.scoring.criteria_set import criteria_set_for_tier

TIER_OF = {"commune_officer": "commune", "district": "district"}
SECTIONED = {**TIER_OF, "province": "province"}
"""Questionnaires whose sections head the criteria of a tier."""

_SUPPLY = "tuần lễ hưởng ứng học tập suốt đời"
_COMMON = {
    "1.3": ["xây dựng kế hoạch", "triển khai các hoạt động cụ thể", _SUPPLY, "báo cáo theo quy định"],
    "2.1": ["đủ kinh phí", "ngân sách nhà nước", "xây dựng xã hội học tập"],
    "2.2": [
        "vận động",
        "huy động nguồn lực xã hội",
        "xây dựng xã hội học tập",
        "xã hội hóa",
        "kết quả tích cực",
    ],
}
KEY_PHRASES: dict[str, dict[str, list[str]]] = {
    "commune": {
        "1.1": [
            "tuyên truyền",
            "nâng cao nhận thức cho cộng đồng",
            "học tập suốt đời",
            "xây dựng xã hội học tập",
        ],
        "1.2": [
            "chương trình, kế hoạch",
            "xây dựng xã hội học tập",
            "tổ chức triển khai",
            "thực hiện đầy đủ",
        ],
        **_COMMON,
        "2.3": [
            "cơ chế phối hợp",
            "hội khuyến học",
            "tổ chức chính trị - xã hội",
            "cơ sở giáo dục",
            "thiết chế văn hóa",
            "xây dựng xã hội học tập",
        ],
        "3.1": [
            "01 phòng làm việc",
            "bàn, ghế, tủ, giá",
            "tủ sách dùng chung",
            "thiết bị công nghệ thông tin",
            "học tập suốt đời cho người dân",
        ],
        "3.2": [
            "thư viện công cộng",
            "công nghệ thông tin",
            "chuyển đổi số",
            "quản lý, tổ chức hoạt động",
            "học tập suốt đời",
        ],
        "3.3": [
            "lớp năng khiếu",
            "câu lạc bộ",
            "nhóm sở thích",
            "thường xuyên tổ chức các hoạt động văn hóa văn nghệ, thể dục thể thao",
            "thu hút người dân",
        ],
        "4.1": ["đạt chuẩn phổ cập giáo dục mầm non cho trẻ em 5 tuổi"],
    },
    "district": {
        "1.1": [
            "thực hiện tốt",
            "tuyên truyền",
            "nâng cao nhận thức cho cộng đồng",
            "học tập suốt đời",
            "xây dựng xã hội học tập",
        ],
        "1.2": [
            "ban hành theo thẩm quyền",
            "chương trình, kế hoạch, văn bản chỉ đạo, hướng dẫn",
            "xây dựng xã hội học tập",
            "tổ chức triển khai",
            "đầy đủ, kịp thời",
        ],
        **_COMMON,
        "2.3": [
            "thực hiện đầy đủ",
            "chính sách thúc đẩy học tập suốt đời",
            "xây dựng xã hội học tập",
            "trung ương",
            "tỉnh",
        ],
        "2.4": [
            "đơn vị cấp huyện",
            "dịch vụ và công cụ số",
            "thành viên trong đơn vị",
            "chuyển đổi số trong công việc và học tập",
        ],
        "3.1": [
            "cơ sở giáo dục đánh giá, công nhận ở cấp huyện",
            "quản lý, giảng dạy và học tập",
            "môi trường số",
        ],
        "3.2": [
            "thư viện công cộng",
            "cung cấp dịch vụ",
            "học tập suốt đời cho người sử dụng thư viện",
            "công nghệ thông tin",
            "chuyển đổi số",
            "quản lý, tổ chức hoạt động",
        ],
        "3.3": ["nhiều hoạt động văn hóa - thể thao", "kết nối với các xã"],
    },
}


def plain(text: str) -> str:
    """Lower case, one kind of quote and dash, single spaces: what a phrase search should ignore."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[“”„«»\"]", '"', text)
    text = re.sub(r"\s*[–—-]\s*", " - ", text)
    return " ".join(text.split())


def yes_no_questions(questionnaire_id: str) -> dict[str, Question]:
    """Indicator id → the yes/no question whose answer is that indicator's fact."""
    tier = TIER_OF[questionnaire_id]
    indicators = {indicator.id for indicator in criteria_set_for_tier(tier).indicators}
    questionnaire = builtin_questionnaires()[questionnaire_id]
    return {
        question.fact: question
        for question in questionnaire.questions
        if question.type == "yes_no" and question.fact in indicators
    }


@pytest.mark.parametrize("questionnaire_id", sorted(TIER_OF))
def test_every_yes_no_indicator_question_has_its_key_phrases_listed(questionnaire_id: str) -> None:
    """A new yes/no indicator question cannot slip past the check below without its phrases."""
    assert sorted(yes_no_questions(questionnaire_id)) == sorted(KEY_PHRASES[TIER_OF[questionnaire_id]])


@pytest.mark.parametrize("questionnaire_id", sorted(TIER_OF))
def test_each_yes_no_question_names_every_condition_of_its_indicator(questionnaire_id: str) -> None:
    phrases = KEY_PHRASES[TIER_OF[questionnaire_id]]
    missing = {}
    for indicator_id, question in yes_no_questions(questionnaire_id).items():
        asked = plain(f"{question.label} {question.help}")
        lacking = [phrase for phrase in phrases[indicator_id] if plain(phrase) not in asked]
        if lacking:
            missing[indicator_id] = lacking
    assert not missing, f"{questionnaire_id}: questions narrower than their indicator: {missing}"


@pytest.mark.parametrize("questionnaire_id", sorted(SECTIONED))
def test_criterion_sections_carry_the_criterions_name(questionnaire_id: str) -> None:
    names = {
        criterion.id: criterion.name
        for criterion in criteria_set_for_tier(SECTIONED[questionnaire_id]).criteria
    }
    sections = {question.section for question in builtin_questionnaires()[questionnaire_id].questions}
    headed = [section for section in sections if section.startswith("Tiêu chí")]
    assert headed
    for section in headed:
        found = re.fullmatch(r"Tiêu chí (\d+): (.+)", section)
        assert found and found[1] in names, section
        assert plain(found[2]) == plain(names[found[1]]), section
