"""What the renderers read: plain frozen dataclasses a caller fills from the database.

Nothing here is computed; the scoring result (`Assessment`) is passed in as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from cdht.scoring import Assessment
from cdht.scoring.learning_models import LearningModels

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

    `evidence_counts` maps an indicator id ("1.1") to the number of evidence files attached; the base the
    citizens were counted on is the one the assessment used (5.1 value "bases"). `learning_models` is the
    tally of the year's learning models (None: not gathered, the report leaves the section out).
    """

    assessment: Assessment
    villages: Sequence[VillageFigures] = ()
    evidence_counts: Mapping[str, int] = field(default_factory=dict)
    signing: Signing = field(default_factory=Signing)
    learning_models: LearningModels | None = None


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
    `learning_models` is the total of the communes' learning models (None: not gathered).
    """

    assessment: Assessment
    communes: Sequence[CommuneDossier] = ()
    recognitions: Sequence[RecognitionRecord] = ()
    evidence_counts: Mapping[str, int] = field(default_factory=dict)
    signing: Signing = field(default_factory=Signing)
    learning_models: LearningModels | None = None

    def child_dossiers(self) -> tuple[CommuneDossier, ...]:
        if self.communes:
            return tuple(self.communes)
        return tuple(CommuneDossier(child) for child in self.assessment.children)


UnitDossier = CommuneDossier | DistrictDossier


@dataclass(frozen=True)
class DifficultyItem:
    """A difficulty or question (vướng mắc) raised in chat, and the answer given, if any.

    `group` is where it belongs in the report (the commune it came from, or the reporting unit itself);
    `unit_name` is where the person who raised it works (a village, a commune, a department's unit).
    """

    id: int
    group: str
    unit_name: str
    raised_by: str
    raised_on: date
    text: str
    answer: str | None = None
    answered_by: str = ""
    answered_on: date | None = None


@dataclass(frozen=True)
class AnnualReportInput:
    """A district's (or province's) yearly report on evaluating and recognising its communes, sent in May of
    the year after the year evaluated.

    `communes` are the assessments of the communes evaluated this year; `communes_total` counts all
    communes of the district (evaluated or not) when known; `recognitions` are the decisions the
    report lists (the caller picks which ones belong to the year). `signing.issuer` is the office that
    reports ("Phòng Giáo dục và Đào tạo") under `signing.parent_issuer` ("Ủy ban nhân dân huyện …");
    `recipients` are the bodies it reports to, as the «Nơi nhận» lists them (empty: Sở Giáo dục và Đào tạo
    and the district's People's Committee). `stages` maps a commune's code to the stage of its dossier
    (as people read it); `learning_models` a commune's code to its learning models; `difficulties` are the
    vướng mắc raised from `period[0]` to `period[1]` (both days included).
    """

    unit_name: str
    year: int
    communes: Sequence[Assessment]
    recognitions: Sequence[RecognitionRecord] = ()
    communes_total: int | None = None
    district: Assessment | None = None
    signing: Signing = field(default_factory=Signing)
    recipients: Sequence[str] = ()
    stages: Mapping[str, str] = field(default_factory=dict)
    learning_models: Mapping[str, LearningModels] = field(default_factory=dict)
    difficulties: Sequence[DifficultyItem] = ()
    period: tuple[date, date] | None = None


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
