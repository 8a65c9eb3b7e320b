"""Dossiers as sent up: one row per sending, frozen but for the stage, the reasons and the outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import DossierDocument, DossierRecord, DossierStage, SelfAssessmentMeeting
from cdht.storage.tables import Dossier


def meeting_to_json(meeting: SelfAssessmentMeeting) -> dict[str, Any]:
    return {
        "held_on": meeting.held_on.isoformat(),
        "chair": meeting.chair,
        "participants": meeting.participants,
        "agreed_level": meeting.agreed_level,
    }


def meeting_from_json(data: dict[str, Any]) -> SelfAssessmentMeeting:
    return SelfAssessmentMeeting(
        held_on=date.fromisoformat(data["held_on"]),
        chair=data["chair"],
        participants=data["participants"],
        agreed_level=int(data["agreed_level"]),
    )


def documents_to_json(documents: tuple[DossierDocument, ...]) -> list[Any]:
    return [{"kind": d.kind, "name": d.name, "sha256": d.sha256} for d in documents]


def documents_from_json(data: list[Any]) -> tuple[DossierDocument, ...]:
    return tuple(DossierDocument(d["kind"], d["name"], d["sha256"]) for d in data)  # older rows: also "path"


def _record(row: Dossier) -> DossierRecord:
    return DossierRecord(
        id=row.id,
        unit_id=row.unit_id,
        year=row.year,
        level=row.level,
        receiver_unit_id=row.receiver_unit_id,
        stage=row.stage,  # type: ignore[arg-type]
        meeting=meeting_from_json(row.meeting),
        snapshot=row.snapshot,
        documents=documents_from_json(row.documents),
        content_hash=row.content_hash,
        sent_by=row.sent_by,
        sent_at=row.sent_at,
        updated_at=row.updated_at,
        reasons=row.reasons,
        outcome_documents=documents_from_json(row.outcome_documents),
    )


class SqlDossierRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
    ) -> DossierRecord:
        row = Dossier(
            unit_id=unit_id,
            year=year,
            level=level,
            receiver_unit_id=receiver_unit_id,
            stage="sent",
            meeting=meeting_to_json(meeting),
            snapshot=snapshot,
            documents=documents_to_json(documents),
            content_hash=content_hash,
            sent_by=sent_by,
            sent_at=now,
            updated_at=now,
            reasons=None,
            outcome_documents=[],
        )
        self._session.add(row)
        await self._session.flush()
        return _record(row)

    async def get(self, dossier_id: int) -> DossierRecord | None:
        row = await self._session.get(Dossier, dossier_id, populate_existing=True)
        return None if row is None else _record(row)

    async def latest(self, unit_id: int, year: int) -> DossierRecord | None:
        row = await self._session.scalar(
            select(Dossier)
            .where(Dossier.unit_id == unit_id, Dossier.year == year)
            .order_by(Dossier.id.desc())
            .limit(1)
        )
        return None if row is None else _record(row)

    async def for_receiver(
        self, receiver_unit_id: int, year: int, stages: tuple[DossierStage, ...] | None = None
    ) -> list[DossierRecord]:
        query = select(Dossier).where(Dossier.receiver_unit_id == receiver_unit_id, Dossier.year == year)
        if stages is not None:
            query = query.where(Dossier.stage.in_(list(stages)))
        rows = await self._session.scalars(query.order_by(Dossier.id))
        return [_record(row) for row in rows]

    async def stages(self, unit_ids: Sequence[int], year: int) -> dict[int, DossierStage]:
        if not unit_ids:
            return {}
        rows = await self._session.execute(
            select(Dossier.unit_id, Dossier.stage)
            .where(Dossier.unit_id.in_(list(unit_ids)), Dossier.year == year)
            .order_by(Dossier.id)
        )
        return {unit_id: cast(DossierStage, stage) for unit_id, stage in rows}  # the latest sending wins

    async def set_stage(
        self,
        dossier_id: int,
        stage: DossierStage,
        now: datetime,
        *,
        reasons: str | None = None,
        outcome_documents: tuple[DossierDocument, ...] = (),
    ) -> None:
        row = await self._session.get(Dossier, dossier_id)
        if row is None:
            raise LookupError(f"dossier {dossier_id} does not exist")
        row.stage = stage
        row.updated_at = now
        if reasons is not None:
            row.reasons = reasons
        if outcome_documents:
            row.outcome_documents = documents_to_json(outcome_documents)
        await self._session.flush()
