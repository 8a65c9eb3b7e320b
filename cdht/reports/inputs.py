"""What the renderers read: plain frozen dataclasses a caller fills from the database.

Nothing here is computed; the scoring result (`Assessment`) is passed in as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from cdht.scoring import Assessment

VillageState = Literal["not_started", "in_progress", "completed", "returned", "approved"]
VILLAGE_STATES: tuple[VillageState, ...] = ("not_started", "in_progress", "completed", "returned", "approved")


@dataclass(frozen=True)
class VillageFigures:
    """One village's citizen counts (None = not answered) and its questionnaire progress."""

    code: str
    name: str
    citizens: int | None = None
    learning_citizens: int | None = None
    trained_citizens: int | None = None
    university_citizens: int | None = None
    state: VillageState = "not_started"
    answered: int = 0
    total: int = 0


@dataclass(frozen=True)
class Signing:
    """Who issues and signs a document, where and when. Empty fields print as dotted blanks.

    `issuer` is the issuing body as printed in the top-left header ("Ủy ban nhân dân xã Hòa Bình");
    when empty it is derived from the unit name. `recipient` is the "Kính gửi" line: which body
    recognises units is configuration since 07/2025, so the caller says it.
    """

    place: str = ""
    signed_on: date | None = None
    signer_name: str = ""
    signer_title: str = "Chủ tịch"
    issuer: str = ""
    parent_issuer: str = ""
    recipient: str = ""


@dataclass(frozen=True)
class CommuneDossier:
    """A commune's evaluation for one year and what surrounds it.

    `evidence_counts` maps an indicator id ("1.1") to the number of evidence files attached;
    `citizen_base` says which citizens were counted ("all", "age15plus", "registered" or free text);
    when None, the base recorded in the assessment (5.1 value "bases") is shown.
    """

    assessment: Assessment
    villages: Sequence[VillageFigures] = ()
    evidence_counts: Mapping[str, int] = field(default_factory=dict)
    citizen_base: str | None = None
    signing: Signing = field(default_factory=Signing)


@dataclass(frozen=True)
class RecognitionRecord:
    """A recognition decision; `year` is the assessed year recognised, `body` the deciding body."""

    unit_code: str
    unit_name: str
    level: int
    year: int
    decision_number: str = ""
    decided_on: date | None = None
    body: str = ""


@dataclass(frozen=True)
class DistrictDossier:
    """A district's (or province's) evaluation with the units below it.

    `communes` gives the child units' dossiers (for their sheets and evidence counts); when empty,
    the child assessments inside `assessment.children` are used without evidence counts.
    """

    assessment: Assessment
    communes: Sequence[CommuneDossier] = ()
    recognitions: Sequence[RecognitionRecord] = ()
    evidence_counts: Mapping[str, int] = field(default_factory=dict)
    signing: Signing = field(default_factory=Signing)

    def child_dossiers(self) -> tuple[CommuneDossier, ...]:
        if self.communes:
            return tuple(self.communes)
        return tuple(CommuneDossier(child) for child in self.assessment.children)


UnitDossier = CommuneDossier | DistrictDossier


@dataclass(frozen=True)
class AnnualReportInput:
    """A district's yearly implementation report.

    `communes` are the assessments of the communes evaluated this year; `communes_total` counts all
    communes of the district (evaluated or not) when known; `recognitions` are the decisions the
    report lists (the caller picks which ones belong to the year).
    """

    unit_name: str
    year: int
    communes: Sequence[Assessment]
    recognitions: Sequence[RecognitionRecord] = ()
    communes_total: int | None = None
    district: Assessment | None = None
    signing: Signing = field(default_factory=Signing)


@dataclass(frozen=True)
class EvidenceRecord:
    """One evidence file: `file_name` is the name it was sent with (untrusted, may be empty)."""

    sha256: str
    file_name: str = ""
    indicator_id: str | None = None
    caption: str = ""
    latitude: float | None = None
    longitude: float | None = None
    mime_type: str | None = None
