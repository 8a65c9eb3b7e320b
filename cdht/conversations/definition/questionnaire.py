"""A questionnaire: the ordered questions one kind of person answers, validated as a whole."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from cdht.conversations.definition.errors import QuestionnaireError
from cdht.conversations.definition.expression import Expr, references
from cdht.conversations.definition.question import ID_PATTERN, Question
from cdht.conversations.definition.relations import Relation
from cdht.conversations.definition.validation import Checked, check_questions

Audience = Literal["village_head", "commune_officer", "district", "province"]


class Questionnaire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    title: str = Field(min_length=1)
    audience: Audience
    description: str = ""
    owners: dict[str, str] = Field(
        default_factory=dict,
        description="Departments that own questions: code -> name (district questionnaire).",
    )
    questions: tuple[Question, ...] = Field(min_length=1)

    _checked: Checked = PrivateAttr()
    _hash: str = PrivateAttr()
    _index: dict[str, int] = PrivateAttr()
    _dependents: dict[str, list[tuple[Question, Relation]]] = PrivateAttr()
    _condition_inputs: tuple[str, ...] = PrivateAttr()
    _relevant_memo: dict[tuple[object, ...], tuple[Question, ...]] = PrivateAttr()
    _settings: dict[str, str] = PrivateAttr()
    _plain: Questionnaire | None = PrivateAttr(None)
    _worded: dict[tuple[tuple[str, str], ...], Questionnaire] = PrivateAttr()

    @model_validator(mode="after")
    def _check(self) -> Questionnaire:
        self._checked = check_questions(self.questions)
        self._settings = {}
        for question in self.questions:
            variation = question.varies_by
            if variation is None:
                continue
            default = self._settings.setdefault(variation.setting, variation.default)
            if default != variation.default:
                raise QuestionnaireError(
                    "Q013",
                    f"question {question.id!r} defaults setting {variation.setting!r} to {variation.default!r}, "
                    f"another question to {default!r}; give them the same default",
                )
        self._worded = {}
        for question in self.questions:
            if self.owners and question.owner is not None and question.owner not in self.owners:
                raise QuestionnaireError(
                    "Q002",
                    f"question {question.id!r} has owner {question.owner!r}, which is not listed in `owners:`",
                )
        self._index = {question.id: index for index, question in enumerate(self.questions)}
        self._condition_inputs = tuple(
            sorted({name for expr in self._checked.relevance.values() for name in references(expr)})
        )
        self._relevant_memo = {}
        self._dependents = {}
        for question in self.questions:
            for relation in self._checked.relations.get(question.id, ()):
                self._dependents.setdefault(relation.target, []).append((question, relation))
        canonical = json.dumps(
            self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        self._hash = hashlib.sha256(canonical.encode()).hexdigest()
        return self

    @property
    def content_hash(self) -> str:
        """sha256 of the canonical JSON of the validated definition: any change makes a new hash."""
        return self._hash

    @property
    def settings(self) -> dict[str, str]:
        """The settings its questions are worded by, with the value this questionnaire is worded with."""
        return dict(self._settings)

    def worded(self, settings: Mapping[str, str]) -> Questionnaire:
        """The questionnaire as asked with `settings` (unknown names are ignored; a missing or unknown value is the
        setting's default). Same content hash: the definition is unchanged, a setting picks among its wordings."""
        plain = self._plain or self
        if not plain._settings:
            return plain
        chosen = {name: plain._resolve(name, settings.get(name)) for name in plain._settings}
        if chosen == plain._settings:
            return plain
        key = tuple(sorted(chosen.items()))
        made = plain._worded.get(key)
        if made is None:
            data = plain.model_dump()
            data["questions"] = [
                question.worded(chosen[question.varies_by.setting]).model_dump()
                if question.varies_by is not None
                else question.model_dump()
                for question in plain.questions
            ]
            made = Questionnaire.model_validate(data)
            made._hash, made._settings, made._plain = plain._hash, chosen, plain
            plain._worded[key] = made
        return made

    def _resolve(self, name: str, value: str | None) -> str:
        variation = next(q.varies_by for q in self.questions if q.varies_by and q.varies_by.setting == name)
        return variation.resolve(value)

    def get(self, question_id: str) -> Question | None:
        index = self._index.get(question_id)
        return None if index is None else self.questions[index]

    def question(self, question_id: str) -> Question:
        return self.questions[self._index[question_id]]

    def position(self, question_id: str) -> int:
        return self._index[question_id]

    def relevance(self, question_id: str) -> Expr | None:
        return self._checked.relevance.get(question_id)

    def conditions(self) -> dict[str, Expr]:
        """Relevance conditions by question id (questions without one are always relevant)."""
        return self._checked.relevance

    def condition_inputs(self) -> tuple[str, ...]:
        """The questions whose answers some relevance condition reads."""
        return self._condition_inputs

    def relevant_memo(self) -> dict[tuple[object, ...], tuple[Question, ...]]:
        """Which questions are relevant, by the answers to `condition_inputs` (see flow.relevant_questions)."""
        return self._relevant_memo

    def relations(self, question_id: str) -> tuple[Relation, ...]:
        return self._checked.relations.get(question_id, ())

    def dependents(self, question_id: str) -> list[tuple[Question, Relation]]:
        """Questions whose relations compare them with `question_id`."""
        return list(self._dependents.get(question_id, ()))

    def evidence_question_for(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.evidence_for == question_id), None)

    def for_owner(self, owner: str) -> Questionnaire:
        """The questions one department answers (district questionnaire); same id, its own content hash."""
        mine = [question for question in self.questions if question.owner == owner]
        if not mine:
            raise QuestionnaireError(
                "Q002", f"no question of {self.id!r} is owned by {owner!r}; owners are {sorted(self.owners)}"
            )
        data = self.model_dump()
        data["questions"] = [question.model_dump() for question in mine]
        if owner in self.owners:
            data["title"] = f"{self.title} – {self.owners[owner]}"
        return Questionnaire.model_validate(data)
