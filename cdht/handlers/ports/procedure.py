"""The circular's procedure after the answers (TT 25/2023 Điều 9, 14, 19): a unit's self-assessment meeting and
the dossier it sends up, the receiving office's check, the council that appraises it (in a meeting or by its
members' written opinions), and the outcome (a draft decision, or a letter with the reasons it failed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, Protocol

DossierStage = Literal["sent", "returned", "checked", "with_council", "passed", "failed"]
"""sent: waiting for the receiving office's check; returned: sent back with reasons, may be corrected and sent
again (a new dossier row); checked: complete, waiting for the council; with_council: opinions being collected;
passed: the council found the level reached, a draft decision exists; failed: the letter with reasons exists."""

CouncilRole = Literal["chair", "secretary", "member"]


@dataclass(frozen=True)
class SelfAssessmentMeeting:
    """Điều 9.1.c: the meeting that agreed the self-assessment result."""

    held_on: date
    chair: (
        str  # who chaired (a leader of the People's Committee of the commune, or of Phòng GD&ĐT one tier up)
    )
    participants: str  # who took part, as typed
    agreed_level: int  # the level the meeting agreed the unit reaches (1 or 2)


@dataclass(frozen=True)
class DossierDocument:
    """One file of the frozen dossier (tờ trình, báo cáo tự đánh giá, bản tổng hợp, ...)."""

    kind: str  # "request_letter" | "self_assessment" | "summary_table" | "appraisal_report" | "draft_decision" | ...
    name: str  # the file name people see
    sha256: str  # its id in the file store


@dataclass(frozen=True)
class DossierRecord:
    id: int
    unit_id: int  # the unit evaluated (a commune; a district or province one tier up)
    year: int  # the year evaluated
    level: int  # the level asked for
    receiver_unit_id: int  # the unit whose office receives and decides (the district for a commune)
    stage: DossierStage
    meeting: SelfAssessmentMeeting
    snapshot: dict[str, Any]  # frozen as sent: the assessment JSON, the evidence list, the answers' versions
    documents: tuple[DossierDocument, ...]
    content_hash: str  # over the snapshot and the documents' hashes
    sent_by: int  # person id
    sent_at: datetime
    updated_at: datetime
    reasons: str | None = None  # why it was returned, or why it failed
    outcome_documents: tuple[DossierDocument, ...] = field(default=())  # appraisal report, decision or letter


@dataclass(frozen=True)
class CouncilMember:
    person_id: int
    role: CouncilRole


@dataclass(frozen=True)
class CouncilRecord:
    """Điều 9.2.b: the council the head of Phòng GD&ĐT sets up for a year (at least five, an odd number)."""

    id: int
    body_unit_id: int  # the unit whose office set it up (the district for communes' dossiers)
    year: int
    members: tuple[CouncilMember, ...]
    created_by: int
    created_at: datetime


@dataclass(frozen=True)
class OpinionRecord:
    """A member's written opinion on one criterion of one dossier (Điều 9.2.c: «lấy ý kiến bằng văn bản»)."""

    dossier_id: int
    member_person_id: int
    criterion: str  # the criterion's code as in the scoring set ("1" .. "5")
    agrees: bool  # agrees that the criterion is met
    comment: str
    recorded_at: datetime


class DossierRepository(Protocol):
    async def add(
        self,
        *,
        unit_id: int,
        year: int,
        level: int,
        receiver_unit_id: int,
        meeting: SelfAssessmentMeeting,
        snapshot: dict[str, Any],
        documents: tuple[DossierDocument, ...],
        content_hash: str,
        sent_by: int,
        now: datetime,
    ) -> DossierRecord: ...
    async def get(self, dossier_id: int) -> DossierRecord | None: ...
    async def latest(self, unit_id: int, year: int) -> DossierRecord | None: ...
    async def for_receiver(
        self, receiver_unit_id: int, year: int, stages: tuple[DossierStage, ...] | None = None
    ) -> list[DossierRecord]: ...
    async def stages(self, unit_ids: Sequence[int], year: int) -> dict[int, DossierStage]:
        """The stage of each unit's latest dossier for the year, in one query; a unit that sent none is left
        out."""
        ...

    async def set_stage(
        self,
        dossier_id: int,
        stage: DossierStage,
        now: datetime,
        *,
        reasons: str | None = None,
        outcome_documents: tuple[DossierDocument, ...] = (),
    ) -> None: ...


class CouncilRepository(Protocol):
    async def save(
        self, body_unit_id: int, year: int, members: tuple[CouncilMember, ...], created_by: int, now: datetime
    ) -> CouncilRecord:
        """Set up (or replace) the council of a body for a year."""
        ...

    async def for_body(self, body_unit_id: int, year: int) -> CouncilRecord | None: ...
    async def of_member(self, person_id: int, year: int) -> list[CouncilRecord]: ...


class OpinionRepository(Protocol):
    async def record(
        self,
        dossier_id: int,
        member_person_id: int,
        criterion: str,
        agrees: bool,
        comment: str,
        now: datetime,
    ) -> None:
        """A member's opinion on a criterion; a second one on the same criterion replaces the first."""
        ...

    async def for_dossier(self, dossier_id: int) -> list[OpinionRecord]: ...
