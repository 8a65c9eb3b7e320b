"""An indicator of several conditions, all needed (province 3.5: at least four education programmes a year
and taking part in building shared digital resources): each part is one of the other rules.

The status is the worst of the parts' (missing < fail < no_evidence < pass); the explanation names every
part; `gap` comes from the parts that are not met (a mapping by part key when more than one has a gap).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import Field, model_validator

from cdht.scoring.results import STATUS_RANK, JsonValue, Status
from cdht.scoring.rules.base import JudgeContext, RuleModel, Verdict
from cdht.scoring.rules.children import ChildrenRecognisedRule
from cdht.scoring.rules.count import CountAtLeastRule
from cdht.scoring.rules.done import DoneRule
from cdht.scoring.rules.level import LevelAtLeastRule
from cdht.scoring.rules.share import ShareOfCitizensRule
from cdht.scoring.rules.trend import TrendRule

SingleRule = Annotated[
    DoneRule | LevelAtLeastRule | ShareOfCitizensRule | ChildrenRecognisedRule | TrendRule | CountAtLeastRule,
    Field(discriminator="type"),
]
_UNMET_DISTANCE = {Status.NO_EVIDENCE: 0.0}


class Condition(RuleModel):
    key: str
    label: str
    """What the condition asks, in the circular's words; it leads the part's explanation."""
    rule: SingleRule


class AllOfRule(RuleModel):
    type: Literal["all_of"]
    parts: tuple[Condition, ...]

    @model_validator(mode="after")
    def _distinct(self) -> AllOfRule:
        keys = [part.key for part in self.parts]
        if len(keys) < 2 or len(set(keys)) != len(keys):
            raise ValueError("all_of needs at least two parts with distinct keys")
        return self

    def fact_keys(self) -> frozenset[str]:
        return frozenset().union(*(part.rule.fact_keys() for part in self.parts))

    def evidence_facts(self) -> Mapping[str, str]:
        return {key: part.label for part in self.parts for key in part.rule.evidence_facts()}

    def judge(self, ctx: JudgeContext) -> Verdict:
        verdicts = [(part, part.rule.judge(ctx)) for part in self.parts]
        status = min((verdict.status for _, verdict in verdicts), key=STATUS_RANK.__getitem__)
        unmet = [(part, verdict) for part, verdict in verdicts if verdict.status is not Status.PASS]
        gaps = {part.key: verdict.gap for part, verdict in unmet if verdict.gap is not None}
        distances = [
            _UNMET_DISTANCE.get(verdict.status, 1.0) if verdict.distance is None else verdict.distance
            for _, verdict in unmet
        ]
        value: dict[str, JsonValue] = {part.key: verdict.value for part, verdict in verdicts}
        threshold: dict[str, JsonValue] = {part.key: verdict.threshold for part, verdict in verdicts}
        return Verdict(
            status,
            "; ".join(f"{part.label}: {verdict.explanation}" for part, verdict in verdicts),
            value=value,
            threshold=threshold,
            gap=next(iter(gaps.values())) if len(gaps) == 1 else (dict(gaps) or None),
            distance=max(distances, default=None),
        )
