"""Learning models of QĐ 387/QĐ-TTg that the commune evaluates (đánh giá) and recognises (công nhận) each year:
«Đơn vị học tập», «Gia đình học tập», «Dòng họ học tập», «Cộng đồng học tập cấp thôn».

Not a TT25 indicator: a tally shown next to the scores. The villages' figures are summed, the commune's own
units and what it recognised beyond the villages' reports are added (fact keys in FACTS.md). A figure nobody
gave stays None, never 0; what the questionnaire leaves unasked because it follows from an answer is derived
(no clans: none evaluated; none evaluated: none recognised; not evaluated: not recognised).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cdht.scoring.facts import Fact, UnitFacts
from cdht.scoring.vn_format import format_int

UNITS = "Đơn vị học tập"
FAMILIES = "Gia đình học tập"
CLANS = "Dòng họ học tập"
VILLAGES = "Cộng đồng học tập cấp thôn"
NOT_GIVEN = "chưa có số liệu"


@dataclass(frozen=True)
class ModelCount:
    """How many were evaluated and how many of them recognised; None = not known."""

    evaluated: int | None
    recognised: int | None

    def __add__(self, other: ModelCount) -> ModelCount:
        return ModelCount(_plus(self.evaluated, other.evaluated), _plus(self.recognised, other.recognised))

    @property
    def complete(self) -> bool:
        return self.evaluated is not None and self.recognised is not None


NONE = ModelCount(None, None)
ZERO = ModelCount(0, 0)


@dataclass(frozen=True)
class LearningModels:
    """A commune's (or an area's) learning models for the year; `villages_reporting` of `villages_total`
    villages gave every figure of the village models."""

    units: ModelCount
    families: ModelCount
    clans: ModelCount
    villages: ModelCount
    villages_reporting: int
    villages_total: int

    @property
    def known(self) -> bool:
        """Anything to show: a figure, or villages that owe them."""
        return self.villages_total > 0 or any(
            count.evaluated is not None or count.recognised is not None for _, count in self.rows()
        )

    def rows(self) -> list[tuple[str, ModelCount]]:
        """(model name, count) in the order the letter names them."""
        return [
            (UNITS, self.units),
            (FAMILIES, self.families),
            (CLANS, self.clans),
            (VILLAGES, self.villages),
        ]


EMPTY = LearningModels(NONE, NONE, NONE, NONE, 0, 0)


def _plus(first: int | None, second: int | None) -> int | None:
    if first is None:
        return second
    return first if second is None else first + second


def _count(facts: Mapping[str, Fact], key: str) -> int | None:
    fact = facts.get(key)
    value = fact.value if fact is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _flag(facts: Mapping[str, Fact], key: str) -> bool | None:
    fact = facts.get(key)
    value = fact.value if fact is not None else None
    return value if isinstance(value, bool) else None


def _counted(facts: Mapping[str, Fact], evaluated_key: str, recognised_key: str) -> ModelCount:
    evaluated = _count(facts, evaluated_key)
    if evaluated == 0:  # none evaluated: the recognised question is not asked
        return ZERO
    return ModelCount(evaluated, _count(facts, recognised_key))


def _village(facts: Mapping[str, Fact]) -> tuple[ModelCount, ModelCount, ModelCount]:
    """One village's families, clans and its own CĐHT cấp thôn (0 or 1 of each)."""
    families = _counted(facts, "families_assessed", "learning_families")
    clans = ZERO if _count(facts, "clans") == 0 else _counted(facts, "clans_assessed", "learning_clans")
    assessed, recognised = _flag(facts, "village_cdht_assessed"), _flag(facts, "village_cdht")
    if assessed is False:
        village = ZERO
    elif recognised is True:  # recognised this year: it was evaluated
        village = ModelCount(1, 1)
    else:
        village = ModelCount(
            None if assessed is None else int(assessed), None if recognised is None else int(recognised)
        )
    return families, clans, village


def tally_learning_models(commune: UnitFacts) -> LearningModels:
    """The commune's learning models: its village children's figures summed, its own units and what it
    recognised beyond the villages' reports added."""
    families = clans = villages = NONE
    reporting = total = 0
    for child in commune.children:
        if child.tier != "village":
            continue
        total += 1
        village_counts = _village(child.facts)
        families, clans, villages = (
            families + village_counts[0],
            clans + village_counts[1],
            villages + village_counts[2],
        )
        reporting += all(count.complete for count in village_counts)
    own = commune.facts
    if _flag(own, "extra_models") is True:  # recognised by the commune, so also evaluated
        families = families + _both(_count(own, "extra_learning_families"))
        clans = clans + _both(_count(own, "extra_learning_clans"))
        villages = villages + _both(_count(own, "extra_learning_villages"))
    units = _counted(own, "units_assessed", "learning_units")
    return LearningModels(units, families, clans, villages, reporting, total)


def _both(count: int | None) -> ModelCount:
    return ModelCount(count, count)


def combine(items: Iterable[LearningModels]) -> LearningModels:
    """The total of several communes' (or districts') learning models."""
    total = EMPTY
    for item in items:
        total = LearningModels(
            total.units + item.units,
            total.families + item.families,
            total.clans + item.clans,
            total.villages + item.villages,
            total.villages_reporting + item.villages_reporting,
            total.villages_total + item.villages_total,
        )
    return total


def area_learning_models(unit: UnitFacts) -> LearningModels:
    """A commune's tally, or the total of every commune below a district or province (from facts already
    loaded: no query)."""
    if unit.tier == "commune":
        return tally_learning_models(unit)
    return combine(area_learning_models(child) for child in unit.children if child.tier != "village")


def count_text(number: int | None) -> str:
    return NOT_GIVEN if number is None else format_int(number)


def coverage_line(models: LearningModels) -> str | None:
    """How many villages the figures cover, when some have not reported yet."""
    missing = models.villages_total - models.villages_reporting
    if missing <= 0:
        return None
    return (
        f"Số liệu của {models.villages_reporting}/{models.villages_total} thôn; "
        f"còn {missing} thôn chưa báo cáo đủ."
    )


def learning_model_lines(models: LearningModels) -> list[str]:
    """One line per model («Gia đình học tập: đánh giá 250, công nhận 230»), then which villages have not
    reported yet, if any. No heading: the caller names the unit and the year."""
    lines = []
    for name, count in models.rows():
        if count.evaluated is None and count.recognised is None:
            lines.append(f"• {name}: {NOT_GIVEN}")
        else:
            lines.append(
                f"• {name}: đánh giá {count_text(count.evaluated)}, công nhận {count_text(count.recognised)}"
            )
    if coverage := coverage_line(models):
        lines.append(f"({coverage})")
    return lines
