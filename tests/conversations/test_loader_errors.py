"""Questionnaire definitions that are wrong fail at load time with a coded, fix-oriented error.

LE1 every code of the catalogue is raised by a small definition that shows the mistake
LE2 messages name the question and say how to fix it
LE3 the builtin questionnaires load, have unique facts per questionnaire, and reading a file works
"""

from __future__ import annotations

import textwrap

import pytest

from cdht.conversations.definition.errors import ERROR_CODES, QuestionnaireError
from cdht.conversations.definition.loader import (
    builtin_questionnaires,
    load_questionnaire,
    parse_questionnaire,
)

HEADER = "id: test\nversion: 1\ntitle: Thử\naudience: village_head\nquestions:\n"


def load(questions: str):
    return parse_questionnaire(HEADER + textwrap.indent(textwrap.dedent(questions).strip(), "  ") + "\n")


CASES = [
    ("Q000", None, "not valid YAML"),
    (
        "Q001",
        "- {id: a, type: integer, label: A}\n- {id: a, type: text, label: B}",
        "used by question 1 and question 2",
    ),
    ("Q002", "- {id: a, type: integer, label: A, relations: ['<= b']}", "refers to 'b'"),
    ("Q002", "- {id: a, type: integer, label: A, relevant: 'z > 1'}", "refers to 'z'"),
    ("Q002", "- {id: a, type: evidence, label: A, evidence_for: nothing}", "refers to 'nothing'"),
    (
        "Q003",
        "- {id: a, type: integer, label: A, relations: ['<= b']}\n- {id: b, type: integer, label: B, relations: ['<= a']}",
        "a -> b -> a",
    ),
    ("Q003", "- {id: a, type: yes_no, label: A, relevant: 'answered(a)'}", "a -> a"),
    (
        "Q004",
        "- {id: a, type: yes_no, label: A}\n- {id: b, type: integer, label: B, relations: ['<= a']}",
        "relations compare counts with counts",
    ),
    (
        "Q004",
        "- {id: a, type: money, label: A}\n- {id: b, type: integer, label: B, relations: ['<= a']}",
        "to a money question",
    ),
    (
        "Q005",
        "- {id: a, type: integer, label: A, relevant: 'b == true'}\n- {id: b, type: yes_no, label: B}",
        "move 'b' before 'a'",
    ),
    (
        "Q006",
        "- {id: a, type: integer, label: A}\n- {id: b, type: text, label: B, relevant: 'a >'}",
        "expected a question id",
    ),
    (
        "Q006",
        "- {id: a, type: integer, label: A}\n- {id: b, type: text, label: B, relevant: 'a > 1 and'}",
        "at character",
    ),
    (
        "Q006",
        "- {id: a, type: integer, label: A}\n- {id: b, type: text, label: B, relevant: '(a > 1'}",
        "expected ')'",
    ),
    (
        "Q006",
        "- {id: a, type: integer, label: A}\n- {id: b, type: text, label: B, relevant: 'a ; 1'}",
        "unexpected",
    ),
    (
        "Q006",
        "- {id: a, type: integer, label: A}\n- {id: b, type: text, label: B, relevant: '1 == 1'}",
        "must name",
    ),
    (
        "Q006",
        "- {id: a, type: integer, label: A}\n- {id: b, type: text, label: B, relevant: '5'}",
        "value alone",
    ),
    (
        "Q006",
        "- {id: a, type: integer, label: A}\n- {id: b, type: text, label: B, relevant: '__import__(a)'}",
        "expected",
    ),
    ("Q007", "- {id: a, type: choice, label: A}", "add `choices:`"),
    (
        "Q008",
        "- {id: a, type: integer, label: A}\n- {id: b, type: text, label: B, evidence_for: a}",
        "use type evidence",
    ),
    (
        "Q009",
        "- {id: a, type: integer, label: A}\n- {id: b, type: integer, label: B, relations: ['=< a']}",
        "e.g. '<= citizens'",
    ),
    ("Q010", "- {id: a, type: number, label: A}", "question 1 (a): type"),
    ("Q010", "- {id: a, type: integer, label: A, colour: red}", "question 1 (a): colour"),
    ("Q010", "- {id: Bad-Id, type: integer, label: A}", "question 1 (Bad-Id): id"),
    ("Q010", "- {id: answered, type: integer, label: A}", "a word of the relevance language"),
    ("Q011", "- {id: a, type: integer, label: A, min: 10, max: 1}", "swap them"),
    ("Q011", "- {id: a, type: level, label: A, levels: [3, 1]}", "[lowest, highest]"),
    ("Q012", "- {id: a, type: choice, label: A, choices: [[x, X], [x, Y]]}", "['x']"),
    (
        "Q013",
        "- {id: a, type: integer, label: A, varies_by: {setting: s, default: x, variants: {x: {name: X}}}}\n"
        "- {id: b, type: integer, label: B, varies_by: {setting: s, default: y, variants: {y: {name: Y}}}}",
        "give them the same default",
    ),
]


@pytest.mark.parametrize(
    ("code", "questions", "fragment"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_each_error_code_le1_le2(code, questions, fragment):
    with pytest.raises(QuestionnaireError) as error:
        if questions is None:
            parse_questionnaire("id: [unclosed")
        else:
            load(questions)
    assert error.value.code == code
    assert fragment in error.value.message
    assert str(error.value).startswith(code)


def test_every_code_of_the_catalogue_is_tested_le1():
    assert {case[0] for case in CASES} == set(ERROR_CODES)


def test_owner_not_listed_and_not_a_mapping_le1():
    with pytest.raises(QuestionnaireError) as error:
        parse_questionnaire(
            HEADER.replace("questions:", "owners: {a: A}\nquestions:")
            + "  - {id: q, type: text, label: Q, owner: b}\n"
        )
    assert error.value.code == "Q002"
    with pytest.raises(QuestionnaireError) as error:
        parse_questionnaire("- just a list")
    assert error.value.code == "Q000"


def test_missing_file_le1(tmp_path):
    with pytest.raises(QuestionnaireError) as error:
        load_questionnaire(tmp_path / "none.yaml")
    assert error.value.code == "Q000"


def test_builtin_questionnaires_load_le3(tmp_path):
    builtins = builtin_questionnaires()
    assert set(builtins) == {"village_head", "commune_officer", "district", "province"}
    for questionnaire in builtins.values():
        facts = [q.fact for q in questionnaire.questions if q.fact]
        assert len(facts) == len(set(facts)), questionnaire.id
    path = tmp_path / "copy.yaml"
    path.write_text(
        "# copy\n" + HEADER.replace("test", "copy") + "  - {id: a, type: text, label: A}\n", encoding="utf-8"
    )
    assert load_questionnaire(path).id == "copy"
    commune = builtins["commune_officer"]
    indicators = [q.fact for q in commune.questions if q.fact and q.fact[0].isdigit()]
    assert indicators == [
        "1.1",
        "1.2",
        "1.3",
        "2.1",
        "2.2",
        "2.3",
        "3.1",
        "3.2",
        "3.3",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
    ]
    assert commune.question("i4_4").levels == (0, 2)
    assert builtin_questionnaires() is not builtin_questionnaires()  # callers get their own dict


def test_content_hash_changes_with_any_edit_le3():
    first = load("- {id: a, type: integer, label: A}")
    again = load("- {id: a, type: integer, label: A}")
    changed = load("- {id: a, type: integer, label: A, help: Thêm}")
    assert first.content_hash == again.content_hash != changed.content_hash
    assert len(first.content_hash) == 64
