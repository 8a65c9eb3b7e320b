"""What the scorer reads: the answers of one administrative unit for one year.

The fact keys each tier reports are listed in `FACTS.md` next to this module; the criteria sets
(`criteria/*.yaml`) name the keys their rules read, and a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Tier = Literal["province", "district", "commune", "village"]
FactValue = bool | int | float | str | None


@dataclass(frozen=True, slots=True)
class Fact:
    """One answer; `evidence_count` is how many photos or documents are attached to it."""

    value: FactValue
    evidence_count: int = 0


@dataclass(frozen=True, slots=True)
class Recognition:
    """A recognition decision; `year` is the assessed year that was recognised, not the decision date."""

    level: int
    year: int
    decision_number: str = ""
    decided_on: date | None = None


@dataclass(frozen=True)
class UnitFacts:
    """A unit's facts for `year`, with last year's facts and the units below it."""

    unit_code: str
    unit_name: str
    tier: Tier
    year: int
    facts: Mapping[str, Fact]
    previous_year: Mapping[str, Fact] = field(default_factory=dict)
    children: Sequence[UnitFacts] = ()
    recognitions: Sequence[Recognition] = ()
