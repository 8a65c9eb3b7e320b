"""Levels of NĐ 20/2014 (PCGD 0–3, XMC 0–2) that must reach a minimum; the recognition decision is evidence."""

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


class LevelAtLeastRule(RuleModel):
    type: Literal["level_at_least"]
    fact: str
    max_level: int
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
        reported = values.as_count(values.raw(ctx.unit.facts, self.fact), maximum=self.max_level)
        if reported is None:
            return missing("chưa có câu trả lời", threshold=need)
        if isinstance(reported, values.Invalid):
            return missing(f"{reported.explanation} (mức từ 0 đến {self.max_level})", threshold=need)
        if reported < need:
            return Verdict(
                Status.FAIL,
                f"mức {reported} < mức {need} — còn thiếu {need - reported} mức",
                value=reported,
                threshold=need,
                gap=need - reported,
                distance=relative_shortfall(reported, need),
            )
        return Verdict(Status.PASS, f"mức {reported} ≥ mức {need}", value=reported, threshold=need)
