"""The relevance language: parsed by a tokenizer and a recursive-descent parser, evaluated without eval.

EX1 precedence: not > and > or; parentheses group
EX2 comparisons of numbers, text codes, yes/no and dates; unanswered questions make comparisons false
EX3 answered(q), selected(q, 'code'), a bare id means "answered yes"
EX4 references lists the question ids a condition reads, in order
EX5 syntax errors carry the position
"""

from __future__ import annotations

import datetime

import pytest

from cdht.conversations.definition.expression import (
    And,
    Compare,
    IsTrue,
    Literal,
    Not,
    Or,
    Ref,
    evaluate,
    references,
)
from cdht.conversations.definition.expression_syntax import ExpressionSyntaxError, parse_expression

ANSWERS = {
    "citizens": 1250,
    "share": 62.5,
    "base": "registered",
    "week": True,
    "area": False,
    "tags": ["reading", "classes"],
    "day": datetime.date(2024, 10, 2),
}


def test_parse_tree_ex1():
    assert parse_expression("not a or b and c > 1") == Or(
        (Not(IsTrue("a")), And((IsTrue("b"), Compare(Ref("c"), ">", Literal(1)))))
    )
    assert parse_expression("(a or b) and c") == And((Or((IsTrue("a"), IsTrue("b"))), IsTrue("c")))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("citizens > 1000", True),
        ("citizens >= 1250 and citizens <= 1250", True),
        ("citizens < 1000", False),
        ("citizens == 1250", True),
        ("citizens != 1250", False),
        ("1000 < citizens", True),
        ("share > 60.5", True),
        ("base == 'registered'", True),
        ('base != "all"', True),
        ("base > 'a'", True),
        ("week == true", True),
        ("week", True),
        ("area", False),
        ("not area", True),
        ("area == false", True),
        ("week < true", False),
        ("citizens == true", False),
        ("base == 1", False),
        ("missing > 0", False),
        ("missing == 0", False),
        ("missing != 0", False),
        ("not missing", True),
        ("answered(citizens)", True),
        ("answered(missing)", False),
        ("selected(tags, 'reading')", True),
        ("selected(tags, 'contest')", False),
        ("selected(base, 'registered')", False),
        ("day >= '2024-10-01' and day < '2024-10-08'", True),
        ("(citizens > 2000 or week) and not (area or missing > 1)", True),
    ],
)
def test_evaluate_ex2_ex3(source, expected):
    assert evaluate(parse_expression(source), ANSWERS) is expected


def test_references_ex4():
    source = "a > 1 and (answered(b) or selected(c, 'x') or not d) and 2 < a and e != 'f'"
    assert references(parse_expression(source)) == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize(
    ("source", "position"),
    [
        ("a >", 3),
        ("a > 1 and", 9),
        ("(a", 2),
        ("a $ 1", 2),
        ("answered(1)", 9),
        ("answered(and)", 9),
        ("", 0),
        ("a b", 2),
    ],
)
def test_syntax_errors_carry_the_position_ex5(source, position):
    with pytest.raises(ExpressionSyntaxError) as error:
        parse_expression(source)
    assert error.value.position == position
