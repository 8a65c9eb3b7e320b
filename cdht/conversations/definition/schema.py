"""The JSON Schema of questionnaire files, generated from the pydantic models (editors validate YAML with it)."""

from __future__ import annotations

from typing import Any

from cdht.conversations.definition.questionnaire import Questionnaire


def questionnaire_json_schema() -> dict[str, Any]:
    schema = Questionnaire.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "Questionnaire",
        "description": "A questionnaire of the CĐHT bot (cdht/conversations/definition/questionnaires/*.yaml).",
    }
