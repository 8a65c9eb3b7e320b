"""Generated, never hand-written: the questionnaire JSON Schema and the Mermaid diagrams.

GD1 the JSON Schema comes from the pydantic models and accepts every builtin YAML file
GD2 the schema refuses what the loader refuses at field level (unknown keys, unknown types)
GD3 the diagram names every question, in order, with relevance conditions as edge labels
"""

from __future__ import annotations

from importlib import resources

import pytest
import yaml
from json_schema_check import schema_errors

from cdht.conversations.definition.loader import builtin_questionnaires, parse_questionnaire
from cdht.conversations.definition.mermaid import questionnaire_mermaid
from cdht.conversations.definition.schema import questionnaire_json_schema

BUILTIN_FILES = sorted(
    entry.name
    for entry in resources.files("cdht.conversations.definition.questionnaires").iterdir()
    if entry.name.endswith(".yaml")
)


def test_schema_is_generated_from_the_models_gd1():
    schema = questionnaire_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["id", "version", "title", "audience", "questions"]
    assert schema["$defs"]["Question"]["properties"]["type"]["enum"][-2:] == ["evidence", "location"]


@pytest.mark.parametrize("file_name", BUILTIN_FILES)
def test_schema_accepts_the_builtin_files_gd1(file_name):
    text = (
        resources.files("cdht.conversations.definition.questionnaires")
        .joinpath(file_name)
        .read_text(encoding="utf-8")
    )
    assert schema_errors(yaml.safe_load(text), questionnaire_json_schema()) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"colour": "red"}, "$.questions[0]: unexpected colour"),
        ({"type": "number"}, "$.questions[0].type: 'number' not in"),
        ({"id": "Bad-Id"}, "$.questions[0].id: does not match"),
        ({"choices": [["a"]]}, "$.questions[0].choices[0]: 1 items"),
        ({"min": "zero"}, "$.questions[0].min: matches none of anyOf"),
    ],
)
def test_schema_refuses_bad_fields_gd2(change, problem):
    document = {
        "id": "t",
        "version": 1,
        "title": "T",
        "audience": "district",
        "questions": [{"id": "a", "type": "integer", "label": "A", **change}],
    }
    errors = schema_errors(document, questionnaire_json_schema())
    assert any(error.startswith(problem) for error in errors), errors


@pytest.mark.parametrize("name", sorted(builtin_questionnaires()))
def test_diagram_names_every_question_gd3(name):
    questionnaire = builtin_questionnaires()[name]
    diagram = questionnaire_mermaid(questionnaire)
    assert diagram.startswith("flowchart TD\n")
    positions = [diagram.index(f"  q_{question.id}[") for question in questionnaire.questions]
    assert positions == sorted(positions)
    for question in questionnaire.questions:
        assert f": {question.name}" in diagram.replace("#quot;", '"')


def test_diagram_edges_carry_relevance_gd3():
    questionnaire = parse_questionnaire(
        """
        id: t
        version: 1
        title: Thử "nháy"
        audience: district
        questions:
          - {id: end, type: integer, label: Số hộ}
          - {id: b, type: yes_no, label: Có CLB không, relevant: "end > 0"}
          - {id: c, type: text, label: Tên CLB, relevant: "end > 0"}
          - {id: d, type: text, label: Ghi chú}
        """.replace("\n        ", "\n")
    )
    diagram = questionnaire_mermaid(questionnaire)
    assert 'start(["Thử #quot;nháy#quot;"])' in diagram
    assert '  q_end -->|"end #gt; 0"| q_b\n' in diagram
    assert '  q_end -.->|"không"| q_d\n' in diagram
    assert "  q_b --> q_c\n" in diagram
    assert "  q_d --> finish\n" in diagram
