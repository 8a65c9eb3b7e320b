"""Where the conversation goes next: relevance, numbering, the next and previous question."""

from __future__ import annotations

from dataclasses import dataclass

from cdht.conversations.definition import consistency
from cdht.conversations.definition.question import Question
from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.definition.values import AnswerValue
from cdht.conversations.engine.session import Session

MEMO_SIZE = 4096  # distinct combinations of the answers relevance depends on, kept per questionnaire


def relevant_questions(session: Session, questionnaire: Questionnaire) -> list[Question]:
    """The questions to ask now, in order. Relevance reads only earlier questions, so one pass suffices;
    the answer of a question that is not relevant counts as not given.

    Asked several times per message, and it depends only on the answers the conditions read: remembered
    per questionnaire by those answers."""
    answers = session.answers
    key = tuple(
        _hashable(answers[name].value) if name in answers else _UNANSWERED
        for name in questionnaire.condition_inputs()
    )
    memo = questionnaire.relevant_memo()
    found = memo.get(key)
    if found is None:
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        found = memo[key] = tuple(_relevant(session, questionnaire))
    return list(found)


_UNANSWERED = object()


def _hashable(value: object) -> object:
    """A key for an answer value: lists (several options) as tuples, tagged by type (1 and True differ)."""
    if isinstance(value, list):
        return (list, tuple(_hashable(item) for item in value))
    if isinstance(value, dict):
        return (dict, tuple(sorted((key, _hashable(item)) for key, item in value.items())))
    return (type(value), value)


def _relevant(session: Session, questionnaire: Questionnaire) -> list[Question]:
    answers = {question_id: answer.value for question_id, answer in session.answers.items()}
    return consistency.relevant_questions(questionnaire, answers)


def relevant_values(session: Session, questionnaire: Questionnaire) -> dict[str, AnswerValue]:
    return {
        question.id: session.answers[question.id].value
        for question in relevant_questions(session, questionnaire)
        if question.id in session.answers
    }


def is_open(session: Session, question_id: str) -> bool:
    """Not answered and not put aside (deferred or skipped)."""
    return (
        question_id not in session.answers
        and question_id not in session.deferred
        and question_id not in session.skipped
    )


@dataclass(frozen=True)
class Next:
    question_id: str
    reask: bool  # a deferred question asked again at the end


def next_question(session: Session, questionnaire: Questionnaire) -> Next | None:
    """The first open relevant question; when none is left, each deferred question once more; else None."""
    relevant = relevant_questions(session, questionnaire)
    for question in relevant:
        if is_open(session, question.id):
            return Next(question.id, reask=False)
    for question in relevant:
        if (
            question.id in session.deferred
            and question.id not in session.answers
            and question.id not in session.reasked
        ):
            return Next(question.id, reask=True)
    return None


def previous_question(session: Session, questionnaire: Questionnaire, current: str | None) -> str | None:
    ids = [question.id for question in relevant_questions(session, questionnaire)]
    if current is None:
        return ids[-1] if ids else None
    if current not in ids:
        earlier = [qid for qid in ids if questionnaire.position(qid) < questionnaire.position(current)]
        return earlier[-1] if earlier else None
    index = ids.index(current)
    return ids[index - 1] if index > 0 else None


def numbering(session: Session, questionnaire: Questionnaire) -> list[str]:
    """Relevant question ids; "Câu N" is the 1-based position in this list."""
    return [question.id for question in relevant_questions(session, questionnaire)]


def missing_required(session: Session, questionnaire: Questionnaire) -> list[str]:
    return [
        question.id
        for question in relevant_questions(session, questionnaire)
        if question.required and question.id not in session.answers
    ]


def open_questions(session: Session, questionnaire: Questionnaire) -> list[str]:
    return [q.id for q in relevant_questions(session, questionnaire) if is_open(session, q.id)]
