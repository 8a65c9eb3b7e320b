"""One question of a questionnaire, as written in the YAML definition."""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


class Variant(BaseModel):
    """The wording of a question for one value of a setting; what it leaves out is the question's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        min_length=1, description="How the value reads in messages, e.g. 'công dân từ 15 tuổi trở lên'."
    )
    label: str | None = Field(None, min_length=1)
    short: str | None = None
    help: str | None = None
    example: str | None = None

    def wording(self) -> dict[str, str]:
        return {key: value for key, value in self.model_dump(exclude={"name"}).items() if value is not None}


class Variation(BaseModel):
    """A question worded by a setting its unit inherits (a village: the citizen base its commune declares), so
    that what the person counts is what the figure will be labelled with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    setting: str = Field(pattern=ID_PATTERN, description="The setting, named as the fact that declares it.")
    default: str = Field(
        min_length=1,
        description="The value while the setting is not declared (or declared as a value not in `variants`); "
        "the question's own label and help are its wording.",
    )
    variants: dict[str, Variant] = Field(min_length=1, description="By the setting's value.")

    @model_validator(mode="after")
    def _default_is_the_plain_wording(self) -> Variation:
        if self.default not in self.variants:
            raise ValueError(
                f"the default {self.default!r} must be one of the variants {sorted(self.variants)}"
            )
        if self.variants[self.default].wording():
            raise ValueError(
                "the default variant is worded by the question's own fields: give it only a name"
            )
        return self

    def resolve(self, value: str | None) -> str:
        """The value a question is worded with: `value` when it has a variant, else the default."""
        return value if value is not None and value in self.variants else self.default


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
    revision: int = Field(
        1,
        ge=1,
        description="Raised when the question now asks more than before (its indicator's whole wording): answers "
        "given to an earlier revision are withdrawn and asked again.",
    )
    varies_by: Variation | None = Field(
        None, description="Worded by a setting of the unit (e.g. the citizen base its commune declares)."
    )

    @functools.cached_property
    def fingerprint(self) -> str:
        """Changes whenever anything in this question's definition changes (computed once: frozen)."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @property
    def name(self) -> str:
        """What messages call the answer: the short name, else the label."""
        return self.short or self.label

    def worded(self, value: str) -> Question:
        """This question as asked when its setting is `value` (itself when it does not vary)."""
        if self.varies_by is None:
            return self
        wording = self.varies_by.variants[self.varies_by.resolve(value)].wording()
        return self.model_validate({**self.model_dump(), **wording}) if wording else self

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
