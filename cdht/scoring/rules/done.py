"""Yes/no indicators ("done", "exists", "meets standard"): a "yes" needs evidence."""

from __future__ import annotations

from typing import Literal

from cdht.scoring import values
from cdht.scoring.results import Status
from cdht.scoring.rules.base import JudgeContext, RuleModel, Verdict, missing, with_evidence


class DoneRule(RuleModel):
    type: Literal["done"]
    fact: str
    evidence: bool = True

    def fact_keys(self) -> frozenset[str]:
        return frozenset({self.fact})

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
        verdict = Verdict(
            Status.PASS, f"đạt ({count} minh chứng)" if count else "đạt", value=True, threshold=True
        )
        return with_evidence(verdict, count) if self.evidence else verdict
