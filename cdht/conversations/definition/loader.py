"""Reading questionnaire definitions: YAML text -> validated Questionnaire, or a coded QuestionnaireError."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cdht.conversations.definition.errors import QuestionnaireError
from cdht.conversations.definition.questionnaire import Questionnaire

BUILTIN_PACKAGE = "cdht.conversations.definition.questionnaires"
# PyYAML's safe loader, in C when libyaml is built in (about ten times faster on the packaged YAML).
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_questionnaire(text: str, *, source: str = "<text>") -> Questionnaire:
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - the safe loader, in C when built
    except yaml.YAMLError as error:
        raise QuestionnaireError("Q000", f"{source} is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise QuestionnaireError(
            "Q000", f"{source} must be a mapping with id, version, title, audience, questions"
        )
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as error:
        raise QuestionnaireError("Q010", f"{source}: {_describe(error, data)}") from error


def load_questionnaire(path: str | Path) -> Questionnaire:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise QuestionnaireError("Q000", f"cannot read {path}: {error.strerror}") from error
    return parse_questionnaire(text, source=str(path))


def builtin_questionnaires() -> dict[str, Questionnaire]:
    """The questionnaires packaged under cdht/conversations/definition/questionnaires/, by id."""
    return dict(_builtin())


@cache
def _builtin() -> dict[str, Questionnaire]:
    found: dict[str, Questionnaire] = {}
    for entry in sorted(resources.files(BUILTIN_PACKAGE).iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".yaml"):
            questionnaire = parse_questionnaire(entry.read_text(encoding="utf-8"), source=entry.name)
            found[questionnaire.id] = questionnaire
    return found


def _describe(error: ValidationError, data: dict[str, Any]) -> str:
    """Pydantic errors in the author's terms: 'question 4 (households): min: Input should be a valid number'."""
    problems = []
    details = error.errors()
    if len(details) > 1:
        # An invalid question also leaves the tuple "too short": only the real cause is useful.
        details = [
            detail
            for detail in details
            if not (detail["type"] == "too_short" and detail["loc"] == ("questions",))
        ]
    for detail in details:
        location = list(detail["loc"])
        where = ".".join(str(part) for part in location) or "questionnaire"
        if len(location) >= 2 and location[0] == "questions" and isinstance(location[1], int):
            questions = data.get("questions") or []
            index = location[1]
            raw = questions[index] if index < len(questions) else None
            name = raw.get("id") if isinstance(raw, dict) else None
            field = ".".join(str(part) for part in location[2:]) or "question"
            where = f"question {index + 1} ({name or 'no id'}): {field}"
        problems.append(f"{where}: {detail['msg']}")
    return "; ".join(problems) + ". Fix these fields (see the questionnaire JSON schema)."
