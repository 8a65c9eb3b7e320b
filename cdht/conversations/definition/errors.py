"""The error catalogue for questionnaire authors: every problem has a code and a message that says how to fix it."""

from __future__ import annotations

ERROR_CODES: dict[str, str] = {
    "Q000": "file cannot be read or is not valid YAML",
    "Q001": "duplicate question id",
    "Q002": "reference to a question that does not exist",
    "Q003": "dependency cycle between questions",
    "Q004": "relation between questions of incompatible types",
    "Q005": "relevance refers to a question that comes later",
    "Q006": "bad expression syntax",
    "Q007": "choice question without choices",
    "Q008": "evidence_for on a question that is not of type evidence",
    "Q009": "bad relation syntax",
    "Q010": "field missing or invalid",
    "Q011": "bounds or levels out of order",
    "Q012": "duplicate choice code",
    "Q013": "questions worded by one setting disagree on its default",
}


class QuestionnaireError(Exception):
    """A questionnaire definition is wrong; `code` is one of ERROR_CODES."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
