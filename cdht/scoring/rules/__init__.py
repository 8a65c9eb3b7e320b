"""Rule types of the criteria sets; the YAML `rule.type` picks one."""

from typing import Annotated

from pydantic import Field

from cdht.scoring.rules.all_of import AllOfRule, Condition, SingleRule
from cdht.scoring.rules.base import JudgeContext, Verdict
from cdht.scoring.rules.children import ChildrenRecognisedRule
from cdht.scoring.rules.count import CountAtLeastRule
from cdht.scoring.rules.done import DoneRule
from cdht.scoring.rules.level import LevelAtLeastRule
from cdht.scoring.rules.share import ShareOfCitizensRule
from cdht.scoring.rules.trend import TrendRule

Rule = Annotated[
    DoneRule
    | LevelAtLeastRule
    | ShareOfCitizensRule
    | ChildrenRecognisedRule
    | TrendRule
    | CountAtLeastRule
    | AllOfRule,
    Field(discriminator="type"),
]
"""Any rule; the parts of `all_of` are `SingleRule`s (no nesting)."""

__all__ = [
    "AllOfRule",
    "ChildrenRecognisedRule",
    "Condition",
    "CountAtLeastRule",
    "DoneRule",
    "JudgeContext",
    "LevelAtLeastRule",
    "Rule",
    "ShareOfCitizensRule",
    "SingleRule",
    "TrendRule",
    "Verdict",
]
