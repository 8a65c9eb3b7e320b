"""Shares of citizens (commune 5.1 "Công dân học tập", 5.2 trained / university), computed exactly.

The gap is the smallest whole number of extra citizens that lifts the share to the threshold with the
same denominator: ceil(threshold × citizens / 100) − count, in fractions, never floats.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import field_validator, model_validator

from cdht.scoring import values
from cdht.scoring.facts import Tier
from cdht.scoring.results import JsonValue, Status
from cdht.scoring.rules.base import JudgeContext, RuleModel, Verdict, check_per_level, missing
from cdht.scoring.rules.citizen_counts import CountSpec, Tally, tally_citizens
from cdht.scoring.vn_format import format_int, format_percent, format_threshold, percent_json

Thresholds = Mapping[str, Decimal]


def _not_weaker(strict: Thresholds, easy: Thresholds) -> bool:
    return strict.keys() == easy.keys() and all(strict[key] >= easy[key] for key in easy)


class SharePart(RuleModel):
    key: str
    fact: str
    label: str
    within: str | None = None
    """Key of the part this one is a subset of ("of which" in the regulation)."""


class EasierThresholds(RuleModel):
    """Lower thresholds applied when a yes/no fact is true (5.2 for a commune in a difficult area).

    The flag needs its own document (`document`): a share that passes only under the lower thresholds is
    `no_evidence` while the flag has no evidence; a share that passes the normal thresholds passes anyway.
    """

    fact: str
    label: str
    document: str
    """What proves the flag, as in «chưa có minh chứng <document>»."""
    levels: Mapping[int, Thresholds]

    @field_validator("levels")
    @classmethod
    def _per_level(cls, levels: Mapping[int, Thresholds]) -> Mapping[int, Thresholds]:
        return check_per_level(levels, _not_weaker)


class ShareOfCitizensRule(RuleModel):
    type: Literal["share_of_citizens"]
    denominator: str
    parts: tuple[SharePart, ...]
    levels: Mapping[int, Thresholds]
    sum_from: Tier | None = None
    base_fact: str | None = None
    easier_when: EasierThresholds | None = None

    @field_validator("levels")
    @classmethod
    def _per_level(cls, levels: Mapping[int, Thresholds]) -> Mapping[int, Thresholds]:
        return check_per_level(levels, _not_weaker)

    @model_validator(mode="after")
    def _consistent(self) -> ShareOfCitizensRule:
        keys = [part.key for part in self.parts]
        if not keys or len(set(keys)) != len(keys):
            raise ValueError("parts need distinct keys")
        if any(part.within not in (None, *keys) for part in self.parts):
            raise ValueError("`within` must name another part")
        for level, thresholds in self.levels.items():
            if set(thresholds) != set(keys):
                raise ValueError(f"level {level} thresholds must cover exactly {keys}")
            easier = self.easier_when.levels[level] if self.easier_when else thresholds
            if not _not_weaker(thresholds, easier):
                raise ValueError("`easier_when` thresholds must not be stricter than the normal ones")
        return self

    def fact_keys(self) -> frozenset[str]:
        keys = {self.denominator, *(part.fact for part in self.parts)}
        if self.base_fact:
            keys.add(self.base_fact)
        if self.easier_when:
            keys.add(self.easier_when.fact)
        return frozenset(keys)

    def evidence_facts(self) -> Mapping[str, str]:
        """The counts themselves; the difficult-area flag's document is checked by `judge`."""
        return {part.fact: part.label if len(self.parts) > 1 else "" for part in self.parts}

    def judge(self, ctx: JudgeContext) -> Verdict:
        chosen = self._thresholds(ctx)
        if isinstance(chosen, Verdict):
            return chosen
        thresholds, notes, easier = chosen
        tally = tally_citizens(ctx.unit, self._spec(), self.sum_from)
        verdict = self._verdict(tally, thresholds, notes)
        if (
            easier is None
            or verdict.status is not Status.PASS
            or values.evidence(ctx.unit.facts, easier.fact)
        ):
            return verdict
        normal = self._verdict(
            tally,
            self.levels[ctx.level],
            [f"chưa có minh chứng {easier.document} — áp dụng ngưỡng thông thường"],
        )
        if normal.status is Status.PASS:
            return normal
        return replace(
            verdict,
            status=Status.NO_EVIDENCE,
            explanation=(
                f"{verdict.explanation} — đạt theo ngưỡng {easier.label}, "
                f"nhưng chưa có minh chứng {easier.document} — chưa được tính là đạt"
            ),
            distance=0.0,
        )

    def _verdict(self, tally: Tally, thresholds: Thresholds, notes: list[str]) -> Verdict:
        threshold_json = self._per_part({part.key: float(thresholds[part.key]) for part in self.parts})
        if tally.problem is not None or tally.denominator == 0:
            problem = tally.problem or f"số công dân bằng 0 ({tally.source_text})"
            partial = f"; tạm tính ({tally.source_text}): {self._partial(tally)}" if tally.denominator else ""
            return missing(problem + partial, value=self._value(tally), threshold=threshold_json)
        judged = {
            part.key: self._judge_part(part, tally, Fraction(thresholds[part.key])) for part in self.parts
        }
        texts = [text for text, _, _ in judged.values()]
        gaps: dict[str, JsonValue] = {key: gap for key, (_, gap, _) in judged.items()}
        shortfall = max(shortfall for _, _, shortfall in judged.values())
        details = "; ".join([self._figures(tally), tally.source_text, *self._base_notes(tally), *notes])
        failed = any(gap for _, gap, _ in judged.values())
        return Verdict(
            Status.FAIL if failed else Status.PASS,
            f"{'; '.join(texts)} ({details})",
            value=self._value(tally),
            threshold=threshold_json,
            gap=self._per_part(gaps) if failed else None,
            distance=shortfall,
        )

    def _judge_part(self, part: SharePart, tally: Tally, need: Fraction) -> tuple[str, int, float]:
        """Text, gap in citizens and relative shortfall (0 when met) of one part."""
        count = tally.counts[part.fact]
        share = Fraction(count * 100, tally.denominator)
        gap = max(math.ceil(need * tally.denominator / 100) - count, 0)
        label = f"{part.label} " if len(self.parts) > 1 else ""
        text = f"{label}{format_percent(share)} {'≥' if gap == 0 else '<'} {format_threshold(need)}"
        if gap:
            text += f" — còn thiếu {format_int(gap)} công dân"
        return text, gap, float((need - share) / need) if gap else 0.0

    def _thresholds(
        self, ctx: JudgeContext
    ) -> tuple[Thresholds, list[str], EasierThresholds | None] | Verdict:
        """The thresholds, notes on them, and the lower thresholds' rule when those apply."""
        normal = self.levels[ctx.level]
        easier = self.easier_when
        if easier is None:
            return normal, [], None
        flag = values.as_flag(values.raw(ctx.unit.facts, easier.fact))
        if isinstance(flag, values.Invalid):
            return missing(f"không xác định được {easier.label}: {flag.explanation}")
        if flag:
            return easier.levels[ctx.level], [f"áp dụng ngưỡng {easier.label}"], easier
        if flag is None:
            return normal, [f"chưa khai {easier.label} hay không — áp dụng ngưỡng thông thường"], None
        return normal, [], None

    def _spec(self) -> CountSpec:
        facts = {part.key: part.fact for part in self.parts}
        labels = {part.fact: part.label for part in self.parts}
        return CountSpec(
            denominator=self.denominator,
            numerators=[part.fact for part in self.parts],
            labels={self.denominator: "số công dân", **labels},
            limits=[(part.fact, facts[part.within]) for part in self.parts if part.within],
            base_fact=self.base_fact,
        )

    def _per_part(self, numbers: Mapping[str, JsonValue]) -> JsonValue:
        if len(self.parts) == 1:
            return numbers[self.parts[0].key]
        return dict(numbers)

    def _figures(self, tally: Tally) -> str:
        if len(self.parts) == 1:
            count = tally.counts[self.parts[0].fact]
            return f"{format_int(count)}/{format_int(tally.denominator)} công dân"
        counts = ", ".join(f"{format_int(tally.counts[part.fact])} {part.label}" for part in self.parts)
        return f"{format_int(tally.denominator)} công dân, trong đó {counts}"

    def _partial(self, tally: Tally) -> str:
        shares = ", ".join(
            (f"{part.label} " if len(self.parts) > 1 else "")
            + format_percent(Fraction(tally.counts[part.fact] * 100, tally.denominator))
            for part in self.parts
        )
        return f"{shares} ({self._figures(tally)})"

    def _base_notes(self, tally: Tally) -> list[str]:
        if not tally.bases:
            return []
        return [f"cơ sở tính: {', '.join(tally.bases)}"]

    def _value(self, tally: Tally) -> JsonValue:
        counts: dict[str, JsonValue] = {part.key: tally.counts.get(part.fact, 0) for part in self.parts}
        shares: dict[str, JsonValue] = {
            part.key: percent_json(Fraction(tally.counts.get(part.fact, 0) * 100, tally.denominator))
            for part in self.parts
            if tally.denominator
        }
        value: dict[str, JsonValue] = {
            "citizens": tally.denominator,
            "counts": counts,
            "shares": shares,
            "source": tally.source,
            "bases": list(tally.bases),
        }
        if tally.unreported or tally.invalid or tally.recount:
            value["unreported"] = list(tally.unreported)
            value["invalid"] = list(tally.invalid)
            value["recount"] = list(tally.recount)
        return value
