"""Year-on-year indicators: a figure must rise (income, employment, GRDP) or fall (poverty) on last year.

Last year's figure comes from last year's facts of the same unit; when those are absent, from the fact
`<key>_previous` that this year's questionnaire asks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from cdht.scoring import values
from cdht.scoring.results import JsonValue, Status
from cdht.scoring.rules.base import JudgeContext, RuleModel, Verdict, missing
from cdht.scoring.vn_format import format_pair

_WORDS = {"rises": ("tăng", ">", "≤"), "falls": ("giảm", "<", "≥")}


class TrendRule(RuleModel):
    type: Literal["trend"]
    fact: str
    direction: Literal["rises", "falls"]

    def fact_keys(self) -> frozenset[str]:
        return frozenset({self.fact, self.previous_key})

    def evidence_facts(self) -> Mapping[str, str]:
        """This year's figure carries the statistics for both years (last year's is only compared)."""
        return {self.fact: ""}

    @property
    def previous_key(self) -> str:
        return f"{self.fact}_previous"

    def judge(self, ctx: JudgeContext) -> Verdict:
        unit = ctx.unit
        current = values.as_number(values.raw(unit.facts, self.fact))
        if current is None:
            return missing(f"chưa có số liệu năm {unit.year}", threshold=self.direction)
        if isinstance(current, values.Invalid):
            return missing(current.explanation, threshold=self.direction)
        previous, source, source_text = self._previous(ctx)
        if previous is None:
            return missing(f"chưa có số liệu năm {unit.year - 1} để so sánh", threshold=self.direction)
        if isinstance(previous, values.Invalid):
            return missing(f"{previous.explanation} ({source_text})", threshold=self.direction)
        verb, passing_sign, failing_sign = _WORDS[self.direction]
        improved = current > previous if self.direction == "rises" else current < previous
        value: JsonValue = {"current": current, "previous": previous, "previous_source": source}
        now, before = format_pair(current, previous)
        if improved:
            return Verdict(
                Status.PASS,
                f"{now} {passing_sign} {before} ({source_text}) — {verb} so với năm trước",
                value=value,
                threshold=self.direction,
            )
        return Verdict(
            Status.FAIL,
            f"{now} {failing_sign} {before} ({source_text}) — chưa {verb} so với năm trước",
            value=value,
            threshold=self.direction,
            distance=min(abs(current - previous) / abs(previous), 1.0) if previous else 1.0,
        )

    def _previous(self, ctx: JudgeContext) -> tuple[int | float | values.Invalid | None, str, str]:
        """Last year's stored figure when usable, else the `_previous` answer; invalid only if neither is."""
        year = ctx.unit.year
        candidates = [
            (
                values.raw(ctx.unit.previous_year, self.fact),
                "previous_year",
                f"số liệu năm {year - 1} đã lưu",
            ),
            (
                values.raw(ctx.unit.facts, self.previous_key),
                "reported_previous",
                f"số liệu năm {year - 1} khai trong phiếu năm {year}",
            ),
        ]
        readings = [(values.as_number(raw), source, text) for raw, source, text in candidates]
        for reading in readings:
            if reading[0] is not None and not isinstance(reading[0], values.Invalid):
                return reading
        for reading in readings:
            if reading[0] is not None:
                return reading
        return None, "", ""
