"""One question of a questionnaire, as written in the YAML definition."""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

QuestionType = Literal[
    "integer",
    "decimal",
    "percent",
    "money",
    "yes_no",
    "choice",
    "multi_choice",
    "level",
    "text",
    "date",
    "evidence",
    "location",
]
EvidenceNeed = Literal["none", "optional", "expected"]

NUMERIC_TYPES: frozenset[str] = frozenset({"integer", "decimal", "percent", "money"})
OPTION_TYPES: frozenset[str] = frozenset({"yes_no", "choice", "multi_choice", "level"})
YES_NO_OPTIONS: tuple[tuple[str, str], ...] = (("yes", "Có"), ("no", "Không"))
ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN, description="Unique within the questionnaire; snake_case.")
    type: QuestionType
    label: str = Field(min_length=1, description="The question as the person reads it.")
    short: str | None = Field(None, description="Short name for summaries and messages, e.g. 'Số hộ'.")
    help: str = ""
    example: str | None = Field(None, description="Shown as 'Ví dụ: …'; a default per type otherwise.")
    unit: str | None = Field(None, description="Unit appended to numbers, e.g. 'hộ', 'người'.")
    required: bool = True
    min: float | None = None
    max: float | None = None
    levels: tuple[int, int] = (0, 3)
    choices: tuple[tuple[str, str], ...] = Field((), description="(code, label) pairs.")
    relations: tuple[str, ...] = Field((), description="e.g. '<= citizens': compared with another answer.")
    relevant: str | None = Field(None, description="Condition in the relevance language; asked only if true.")
    fact: str | None = Field(None, description="The scoring fact key this answer feeds, e.g. '1.1'.")
    evidence: EvidenceNeed = "none"
    evidence_for: str | None = Field(None, description="For evidence questions: the question they back.")
    owner: str | None = Field(None, description="The department that answers it (district questionnaire).")
    section: str = ""

    @functools.cached_property
    def fingerprint(self) -> str:
        """Changes whenever anything in this question's definition changes (computed once: frozen)."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @property
    def name(self) -> str:
        """What messages call the answer: the short name, else the label."""
        return self.short or self.label

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    def options(self) -> tuple[tuple[str, str], ...]:
        """The buttons of an option question: (code, label)."""
        if self.type == "yes_no":
            return YES_NO_OPTIONS
        if self.type == "level":
            low, high = self.levels
            return tuple((str(n), "Chưa đạt" if n == 0 else f"Mức độ {n}") for n in range(low, high + 1))
        if self.type in ("choice", "multi_choice"):
            return self.choices
        return ()
