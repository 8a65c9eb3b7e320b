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


RecognitionValidity = Literal["assessed_year", "decision_year"]
"""How «Kết quả công nhận được bảo lưu trong thời hạn 3 năm (36 tháng) tiếp theo năm được công nhận» (TT25 Điều
5.4, 10.4, 15.4) is read: «năm được công nhận» as the assessed year, or as the year of the decision (FACTS.md)."""
KEPT_YEARS = 3  # «3 năm (36 tháng)»


def valid_through(
    year: int, decided_on: date | None, reading: RecognitionValidity, kept_years: int = KEPT_YEARS
) -> int:
    """The last evaluation year a recognition of assessed `year` counts for: `year + 3` (assessed_year), or three
    calendar years after the decision's year (decision_year; the assessed reading when the date is unknown)."""
    if reading == "decision_year" and decided_on is not None:
        return max(decided_on.year, year) + kept_years
    return year + kept_years


@dataclass(frozen=True, slots=True)
class Recognition:
    """A recognition decision; `year` is the assessed year that was recognised, not the decision date."""

    level: int
    year: int
    decision_number: str = ""
    decided_on: date | None = None

    def counts_for(self, year: int, reading: RecognitionValidity, kept_years: int = KEPT_YEARS) -> bool:
        """Whether the recognition holds in evaluation year `year` under `reading`."""
        return self.year <= year <= valid_through(self.year, self.decided_on, reading, kept_years)


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
    recognition_validity: RecognitionValidity = "assessed_year"  # the reading of the children's recognitions
