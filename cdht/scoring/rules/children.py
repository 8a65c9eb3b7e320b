"""Share of child units recognised at a level (district 4.1 over communes, province 4.1 over districts).

Recognition decisions decide; a decision for assessed year Y counts in evaluation years Y..Y+3, or
Y..R+3 for a decision of year R when the unit's facts read «năm được công nhận» as the decision's year
(`UnitFacts.recognition_validity`, FACTS.md "Recognitions"). The levels computed for the children are only
a projection, shown next to the decided figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import field_validator

from cdht.scoring.facts import KEPT_YEARS, RecognitionValidity, Tier, UnitFacts
from cdht.scoring.results import JsonValue, Status
from cdht.scoring.rules.base import JudgeContext, RuleModel, Verdict, check_per_level, missing
from cdht.scoring.vn_format import format_percent, format_threshold, percent_json

TIER_NOUNS: Mapping[str, str] = {"province": "tỉnh", "district": "huyện", "commune": "xã", "village": "thôn"}


class ChildThreshold(RuleModel):
    level: int
    share: Decimal


def recognised_level(unit: UnitFacts, year: int, validity_years: int, reading: RecognitionValidity) -> int:
    """The best level among the unit's recognitions valid in `year` under `reading`; 0 when none is."""
    valid = [r.level for r in unit.recognitions if r.counts_for(year, reading, validity_years)]
    return max(valid, default=0)


class ChildrenRecognisedRule(RuleModel):
    type: Literal["children_recognised"]
    child_tier: Tier
    levels: Mapping[int, ChildThreshold]
    validity_years: int = KEPT_YEARS

    @field_validator("levels")
    @classmethod
    def _per_level(cls, levels: Mapping[int, ChildThreshold]) -> Mapping[int, ChildThreshold]:
        return check_per_level(levels, lambda s, e: s.level >= e.level and s.share >= e.share)

    def fact_keys(self) -> frozenset[str]:
        return frozenset()

    def evidence_facts(self) -> Mapping[str, str]:
        """None: the recognition decisions recorded for the child units are what is counted."""
        return {}

    def judge(self, ctx: JudgeContext) -> Verdict:
        need = self.levels[ctx.level]
        noun = TIER_NOUNS[self.child_tier]
        threshold: JsonValue = {"share": float(need.share), "level": need.level}
        children = [child for child in ctx.unit.children if child.tier == self.child_tier]
        if not children:
            return missing(self._no_children(ctx, noun), threshold=threshold)
        total = len(children)
        recognised = sum(
            recognised_level(child, ctx.unit.year, self.validity_years, ctx.unit.recognition_validity)
            >= need.level
            for child in children
        )
        reached = sum(a.level >= need.level for a in ctx.child_assessments if a.tier == self.child_tier)
        share, need_share = Fraction(recognised * 100, total), Fraction(need.share)
        projection: JsonValue = {
            "reached": reached,
            "total": total,
            "share": percent_json(Fraction(reached * 100, total)),
        }
        level_text = f"mức độ {need.level}" + (" trở lên" if need.level < max(self.levels) else "")
        projected = (
            f"dự kiến theo kết quả tính toán: {reached}/{total} {noun} "
            f"({format_percent(Fraction(reached * 100, total))}) đạt {level_text}"
        )
        gap = max(math.ceil(need_share * total / 100) - recognised, 0)
        comparison = "≥" if share >= need_share else "<"
        text = (
            f"{recognised}/{total} {noun} ({format_percent(share)}) được công nhận {level_text} "
            f"{comparison} {format_threshold(need_share)}"
        )
        value: JsonValue = {
            "recognised": recognised,
            "total": total,
            "share": percent_json(share),
            "projection": projection,
        }
        if gap:
            return Verdict(
                Status.FAIL,
                f"{text} — còn thiếu {gap} {noun}; {projected}",
                value=value,
                threshold=threshold,
                gap=gap,
                distance=float((need_share - share) / need_share),
                projection=projection,
            )
        return Verdict(
            Status.PASS, f"{text}; {projected}", value=value, threshold=threshold, projection=projection
        )

    def _no_children(self, ctx: JudgeContext, noun: str) -> str:
        other_tiers = sorted({TIER_NOUNS.get(child.tier, child.tier) for child in ctx.unit.children})
        if other_tiers:
            return (
                f"không có cấp {noun} trực thuộc (đơn vị cấp dưới là cấp {', '.join(other_tiers)}) "
                "— chưa đánh giá được chỉ tiêu này"
            )
        return f"chưa có danh sách {noun} trực thuộc"
