"""Tokenizer and recursive-descent parser for the relevance language (grammar below).

expr    := and ("or" and)*
and     := unary ("and" unary)*
unary   := "not" unary | primary
primary := "(" expr ")" | "answered" "(" ID ")" | "selected" "(" ID "," STRING ")"
         | operand (CMP operand)?          -- a lone operand must be a question id
operand := ID | NUMBER | STRING | "true" | "false"
CMP     := "==" | "!=" | "<" | "<=" | ">" | ">="
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cdht.conversations.definition.expression import (
    And,
    Answered,
    Compare,
    Expr,
    IsTrue,
    Literal,
    Not,
    Operand,
    Or,
    Ref,
    Selected,
)

KEYWORDS = frozenset({"and", "or", "not", "true", "false", "answered", "selected"})
_TOKEN = re.compile(
    r"(?P<number>\d+(?:\.\d+)?)|(?P<string>'[^']*'|\"[^\"]*\")|(?P<op><=|>=|==|!=|<|>)"
    r"|(?P<punct>[(),])|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
)
_SPACE = re.compile(r"\s+")


class ExpressionSyntaxError(ValueError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str  # number | string | op | punct | name | end
    text: str
    position: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        space = _SPACE.match(source, position)
        if space:
            position = space.end()
            continue
        match = _TOKEN.match(source, position)
        if match is None or match.lastgroup is None:
            raise ExpressionSyntaxError(f"unexpected character {source[position]!r}", position)
        tokens.append(Token(match.lastgroup, match.group(), position))
        position = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


def parse_expression(source: str) -> Expr:
    """Parse a relevance condition; raises ExpressionSyntaxError with the position of the problem."""
    parser = _Parser(tokenize(source))
    expr = parser.parse_or()
    parser.expect("end")
    return expr


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        token = self.current
        if token.kind == kind and (text is None or token.text == text):
            self.index += 1
            return token
        return None

    def expect(self, kind: str, text: str | None = None) -> Token:
        token = self.accept(kind, text)
        if token is None:
            wanted = repr(text) if text else kind.replace("end", "end of expression")
            found = repr(self.current.text) if self.current.kind != "end" else "end of expression"
            raise ExpressionSyntaxError(f"expected {wanted}, found {found}", self.current.position)
        return token

    def parse_or(self) -> Expr:
        operands = [self.parse_and()]
        while self.accept("name", "or"):
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self) -> Expr:
        operands = [self.parse_unary()]
        while self.accept("name", "and"):
            operands.append(self.parse_unary())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_unary(self) -> Expr:
        if self.accept("name", "not"):
            return Not(self.parse_unary())
        return self.parse_primary()

    def parse_primary(self) -> Expr:
        if self.accept("punct", "("):
            expr = self.parse_or()
            self.expect("punct", ")")
            return expr
        for function in ("answered", "selected"):
            if self.accept("name", function):
                self.expect("punct", "(")
                name = self.question_id()
                if function == "answered":
                    self.expect("punct", ")")
                    return Answered(name)
                self.expect("punct", ",")
                code = self.expect("string").text[1:-1]
                self.expect("punct", ")")
                return Selected(name, code)
        start = self.current
        left = self.operand()
        operator = self.accept("op")
        if operator is None:
            if isinstance(left, Ref):
                return IsTrue(left.name)
            raise ExpressionSyntaxError(
                "a value alone is not a condition; compare it with a question", start.position
            )
        right = self.operand()
        if not (isinstance(left, Ref) or isinstance(right, Ref)):
            raise ExpressionSyntaxError("a comparison must name at least one question", start.position)
        return Compare(left, operator.text, right)

    def question_id(self) -> str:
        token = self.expect("name")
        if token.text in KEYWORDS:
            raise ExpressionSyntaxError(f"{token.text!r} is a keyword, not a question id", token.position)
        return token.text

    def operand(self) -> Operand:
        token = self.current
        if self.accept("number"):
            number = float(token.text)
            return Literal(int(number) if number.is_integer() and "." not in token.text else number)
        if self.accept("string"):
            return Literal(token.text[1:-1])
        if self.accept("name", "true"):
            return Literal(True)
        if self.accept("name", "false"):
            return Literal(False)
        if token.kind == "name" and token.text not in KEYWORDS:
            self.index += 1
            return Ref(token.text)
        found = repr(token.text) if token.kind != "end" else "end of expression"
        raise ExpressionSyntaxError(f"expected a question id or a value, found {found}", token.position)
