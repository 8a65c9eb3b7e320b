"""Checks across questions that the field types cannot express; each failure is a coded QuestionnaireError."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdht.conversations.definition.errors import QuestionnaireError
from cdht.conversations.definition.expression import Expr, references
from cdht.conversations.definition.expression_syntax import KEYWORDS, ExpressionSyntaxError, parse_expression
from cdht.conversations.definition.question import Question
from cdht.conversations.definition.relations import Relation, parse_relation

# Types that may be compared by a relation: same family only (a count is never compared with money).
_FAMILY = {"integer": "count", "decimal": "count", "percent": "percent", "money": "money"}


@dataclass(frozen=True)
class Checked:
    """What validation parsed on the way, so the engine never parses a condition twice."""

    relevance: dict[str, Expr]
    relations: dict[str, tuple[Relation, ...]]


def check_questions(questions: Sequence[Question]) -> Checked:
    _check_unique(questions)
    relevance: dict[str, Expr] = {}
    relations: dict[str, tuple[Relation, ...]] = {}
    for question in questions:
        _check_own_fields(question)
        relations[question.id] = _parse_relations(question)
        if question.relevant is not None:
            relevance[question.id] = _parse_relevance(question)
    by_id = {question.id: question for question in questions}
    graph = {
        q.id: [
            *(references(relevance[q.id]) if q.id in relevance else []),
            *(r.target for r in relations[q.id]),
        ]
        for q in questions
    }
    _check_references(questions, graph, by_id)
    _check_relation_types(questions, relations, by_id)
    _check_cycles(questions, graph)
    _check_order(questions, relevance)
    return Checked(relevance, relations)


def _check_unique(questions: Sequence[Question]) -> None:
    seen: dict[str, int] = {}
    for number, question in enumerate(questions, start=1):
        if question.id in seen:
            raise QuestionnaireError(
                "Q001",
                f"question id {question.id!r} is used by question {seen[question.id]} and question {number}; "
                "give one of them another id",
            )
        seen[question.id] = number


def _check_own_fields(question: Question) -> None:
    where = f"question {question.id!r}"
    if question.id in KEYWORDS:
        raise QuestionnaireError(
            "Q010", f"{where}: the id is a word of the relevance language; choose another id"
        )
    if question.type in ("choice", "multi_choice") and not question.choices:
        raise QuestionnaireError(
            "Q007", f"{where} is of type {question.type} but has no choices; add `choices:`"
        )
    codes = [code for code, _ in question.choices]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise QuestionnaireError(
            "Q012", f"{where} repeats choice code(s) {duplicates}; make each code unique"
        )
    if question.min is not None and question.max is not None and question.min > question.max:
        raise QuestionnaireError("Q011", f"{where} has min {question.min} > max {question.max}; swap them")
    low, high = question.levels
    if low < 0 or low > high:
        raise QuestionnaireError(
            "Q011", f"{where} has levels {list(question.levels)}; write [lowest, highest], 0 <= lowest"
        )
    if question.evidence_for is not None and question.type != "evidence":
        raise QuestionnaireError(
            "Q008",
            f"{where} has evidence_for but is of type {question.type}; use type evidence or remove evidence_for",
        )


def _parse_relations(question: Question) -> tuple[Relation, ...]:
    parsed = []
    for text in question.relations:
        relation = parse_relation(text)
        if relation is None:
            raise QuestionnaireError(
                "Q009",
                f"question {question.id!r} has relation {text!r}; write an operator (<=, <, >=, >, ==) and a question id, "
                "e.g. '<= citizens'",
            )
        parsed.append(relation)
    return tuple(parsed)


def _parse_relevance(question: Question) -> Expr:
    source = question.relevant or ""
    try:
        return parse_expression(source)
    except ExpressionSyntaxError as error:
        raise QuestionnaireError(
            "Q006",
            f'question {question.id!r}: relevant {source!r}: {error}; e.g. "citizens > 0 and answered(households)"',
        ) from error


def _check_references(
    questions: Sequence[Question], graph: dict[str, list[str]], by_id: dict[str, Question]
) -> None:
    for question in questions:
        named = [*graph[question.id], *([question.evidence_for] if question.evidence_for else [])]
        for name in named:
            if name not in by_id:
                raise QuestionnaireError(
                    "Q002",
                    f"question {question.id!r} refers to {name!r}, which is not a question of this questionnaire; "
                    "fix the spelling or add that question",
                )


def _check_relation_types(
    questions: Sequence[Question], relations: dict[str, tuple[Relation, ...]], by_id: dict[str, Question]
) -> None:
    for question in questions:
        for relation in relations[question.id]:
            target = by_id[relation.target]
            family, target_family = _FAMILY.get(question.type), _FAMILY.get(target.type)
            if family is None or family != target_family:
                raise QuestionnaireError(
                    "Q004",
                    f"question {question.id!r} ({question.type}) has relation '{relation}' to a {target.type} question; "
                    "relations compare counts with counts, percents with percents, money with money",
                )


def _check_cycles(questions: Sequence[Question], graph: dict[str, list[str]]) -> None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for successor in graph.get(node, []):
            if state.get(successor) == 1:
                cycle = (
                    [*path[path.index(successor) :], successor] if successor in path else [node, successor]
                )
                raise QuestionnaireError(
                    "Q003",
                    f"questions depend on each other in a cycle: {' -> '.join(cycle)}; "
                    "remove one of these relations or relevance conditions",
                )
            if state.get(successor) is None:
                visit(successor, [*path, successor])
        state[node] = 2

    for question in questions:
        if question.id not in state:
            visit(question.id, [question.id])


def _check_order(questions: Sequence[Question], relevance: dict[str, Expr]) -> None:
    position = {question.id: index for index, question in enumerate(questions)}
    for question in questions:
        if question.id not in relevance:
            continue
        for name in references(relevance[question.id]):
            if position[name] > position[question.id]:
                raise QuestionnaireError(
                    "Q005",
                    f"question {question.id!r} is relevant only if {question.relevant!r}, but {name!r} comes later; "
                    f"move {name!r} before {question.id!r}",
                )
