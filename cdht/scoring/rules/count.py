"""A yearly count that must reach a minimum (province 3.4/3.5: at least 4 education programmes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import field_validator

from cdht.scoring import values
from cdht.scoring.results import Status
from cdht.scoring.rules.base import (
    JudgeContext,
    RuleModel,
    Verdict,
    check_per_level,
    missing,
    relative_shortfall,
)
from cdht.scoring.vn_format import format_int


class CountAtLeastRule(RuleModel):
    type: Literal["count_at_least"]
    fact: str
    noun: str
    levels: Mapping[int, int]

    @field_validator("levels")
    @classmethod
    def _per_level(cls, levels: Mapping[int, int]) -> Mapping[int, int]:
        return check_per_level(levels, lambda strict, easy: strict >= easy)

    def fact_keys(self) -> frozenset[str]:
        return frozenset({self.fact})

    def evidence_facts(self) -> Mapping[str, str]:
        return {self.fact: ""}

    def judge(self, ctx: JudgeContext) -> Verdict:
        need = self.levels[ctx.level]
        count = values.as_count(values.raw(ctx.unit.facts, self.fact))
        if count is None:
            return missing("chưa có số liệu", threshold=need)
        if isinstance(count, values.Invalid):
            return missing(count.explanation, threshold=need)
        if count < need:
            return Verdict(
                Status.FAIL,
                f"{format_int(count)} {self.noun} < {need} — còn thiếu {need - count} {self.noun}",
                value=count,
                threshold=need,
                gap=need - count,
                distance=relative_shortfall(count, need),
            )
        return Verdict(Status.PASS, f"{format_int(count)} {self.noun} ≥ {need}", value=count, threshold=need)
