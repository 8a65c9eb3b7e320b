"""Yes/no indicators ("done", "exists", "meets standard"); the evaluator asks a "yes" for its evidence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from cdht.scoring import values
from cdht.scoring.results import Status
from cdht.scoring.rules.base import JudgeContext, RuleModel, Verdict, missing


class DoneRule(RuleModel):
    type: Literal["done"]
    fact: str

    def fact_keys(self) -> frozenset[str]:
        return frozenset({self.fact})

    def evidence_facts(self) -> Mapping[str, str]:
        return {self.fact: ""}

    def judge(self, ctx: JudgeContext) -> Verdict:
        answer = values.as_flag(values.raw(ctx.unit.facts, self.fact))
        if answer is None:
            return missing("chưa có câu trả lời", threshold=True)
        if isinstance(answer, values.Invalid):
            return missing(answer.explanation, threshold=True)
        if not answer:
            return Verdict(
                Status.FAIL, "chưa đạt (trả lời: không)", value=False, threshold=True, distance=1.0
            )
        count = values.evidence(ctx.unit.facts, self.fact)
        return Verdict(
            Status.PASS, f"đạt ({count} minh chứng)" if count else "đạt", value=True, threshold=True
        )
