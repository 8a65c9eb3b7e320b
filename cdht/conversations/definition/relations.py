"""Relations between numeric answers, written in the questionnaire as `"<= citizens"`."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

_RELATION = re.compile(r"^\s*(<=|>=|==|<|>)\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")
_CHECK: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}
# How a failed relation is explained: "<answer> <phrase> <other answer>".
_PHRASE = {
    "<=": "không được lớn hơn",
    "<": "phải nhỏ hơn",
    ">=": "không được nhỏ hơn",
    ">": "phải lớn hơn",
    "==": "phải bằng",
}


@dataclass(frozen=True)
class Relation:
    op: str
    target: str

    def holds(self, value: float, target_value: float) -> bool:
        return _CHECK[self.op](value, target_value)

    @property
    def phrase(self) -> str:
        return _PHRASE[self.op]

    def __str__(self) -> str:
        return f"{self.op} {self.target}"


def parse_relation(text: str) -> Relation | None:
    """`"<= citizens"` -> Relation("<=", "citizens"); None when the text is not a relation."""
    match = _RELATION.match(text)
    if match is None:
        return None
    return Relation(match.group(1), match.group(2))
