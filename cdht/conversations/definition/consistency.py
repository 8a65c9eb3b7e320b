"""What every way in checks about a unit's answers taken together, the chat (the engine) and `cdht
import-answers` alike: which questions count given the answers (relevance), and the relations between
numeric answers ("<= citizens"). One set of rules, so a file cannot store what the chat refuses."""

from __future__ import annotations

from collections.abc import Mapping

from cdht.conversations.definition.expression import evaluate
from cdht.conversations.definition.question import Question
from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.definition.relations import Relation
from cdht.conversations.definition.values import AnswerValue


def relevant_questions(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> list[Question]:
    """The questions to ask given `answers` (question id -> value), in order. Relevance reads only earlier
    questions, so one pass suffices; the answer of a question that is not relevant counts as not given."""
    values: dict[str, AnswerValue] = {}
    relevant: list[Question] = []
    conditions = questionnaire.conditions()
    for question in questionnaire.questions:
        condition = conditions.get(question.id)
        if condition is not None and not evaluate(condition, values):
            continue
        relevant.append(question)
        if question.id in answers:
            values[question.id] = answers[question.id]
    return relevant


def relevant_values(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerValue]:
    """The answers that count: those of relevant questions."""
    return {q.id: answers[q.id] for q in relevant_questions(questionnaire, answers) if q.id in answers}


def as_number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def broken_relation(
    questionnaire: Questionnaire, question_id: str, value: object, values: Mapping[str, object]
) -> Relation | None:
    """The first relation of `question_id` that `value` breaks against the other answers that count
    (`values`); an answer not given, or not a number, breaks nothing."""
    mine = as_number(value)
    for relation in questionnaire.relations(question_id):
        theirs = as_number(values.get(relation.target))
        if mine is not None and theirs is not None and not relation.holds(mine, theirs):
            return relation
    return None


def broken_dependents(
    questionnaire: Questionnaire, question_id: str, value: object, values: Mapping[str, object]
) -> list[tuple[Question, Relation]]:
    """The answered questions (in `values`) whose relation with `question_id` breaks when it is `value`."""
    theirs = as_number(value)
    broken = []
    for dependent, relation in questionnaire.dependents(question_id):
        mine = as_number(values.get(dependent.id))
        if mine is not None and theirs is not None and not relation.holds(mine, theirs):
            broken.append((dependent, relation))
    return broken


def lower_first(name: str) -> str:
    """'Số công dân' -> 'số công dân', but 'CĐHT cấp thôn' stays as it is."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def relation_reason(
    question: Question, shown: str, relation: Relation, target: Question, target_shown: str
) -> str:
    """Why an answer is refused: 'Số người học tập (5.000 người) không được lớn hơn số công dân (100 người).'"""
    return f"{question.name} ({shown}) {relation.phrase} {lower_first(target.name)} ({target_shown})."
