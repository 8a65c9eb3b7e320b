"""Dossiers in memory (`Tables.dossiers`: id -> record), held to the SQL repository's contract."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cdht.handlers.ports import DossierDocument, DossierRecord, DossierStage, SelfAssessmentMeeting
from tests.fakes.memory.database import Transaction
from tests.fakes.memory.tables import ConstraintViolation, Tables, as_json, require


class MemoryDossierRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

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
        record = DossierRecord(
            id=self._tx.new_id("dossiers"),
            unit_id=unit_id,
            year=year,
            level=level,
            receiver_unit_id=receiver_unit_id,
            stage="sent",
            meeting=meeting,
            snapshot=as_json(snapshot),
            documents=tuple(documents),
            content_hash=content_hash,
            sent_by=sent_by,
            sent_at=now,
            updated_at=now,
        )

        def add(tables: Tables) -> None:
            require(tables.units, unit_id, "unit")
            require(tables.units, receiver_unit_id, "unit")
            require(tables.people, sent_by, "person")
            tables.dossiers[record.id] = record

        self._tx.write(add)
        return _copy(record)

    async def get(self, dossier_id: int) -> DossierRecord | None:
        record = self._tx.tables.dossiers.get(dossier_id)
        return None if record is None else _copy(record)

    async def latest(self, unit_id: int, year: int) -> DossierRecord | None:
        found = [d for d in self._tx.tables.dossiers.values() if d.unit_id == unit_id and d.year == year]
        return _copy(max(found, key=lambda d: d.id)) if found else None

    async def for_receiver(
        self, receiver_unit_id: int, year: int, stages: tuple[DossierStage, ...] | None = None
    ) -> list[DossierRecord]:
        return [
            _copy(d)
            for d in sorted(self._tx.tables.dossiers.values(), key=lambda d: d.id)
            if d.receiver_unit_id == receiver_unit_id
            and d.year == year
            and (stages is None or d.stage in stages)
        ]

    async def stages(self, unit_ids: Sequence[int], year: int) -> dict[int, DossierStage]:
        wanted = set(unit_ids)
        found: dict[int, DossierStage] = {}
        for dossier in sorted(self._tx.tables.dossiers.values(), key=lambda d: d.id):
            if dossier.unit_id in wanted and dossier.year == year:
                found[dossier.unit_id] = dossier.stage
        return found

    async def set_stage(
        self,
        dossier_id: int,
        stage: DossierStage,
        now: datetime,
        *,
        reasons: str | None = None,
        outcome_documents: tuple[DossierDocument, ...] = (),
    ) -> None:
        def set_stage(tables: Tables) -> None:
            old = tables.dossiers.get(dossier_id)
            if old is None:
                raise ConstraintViolation(f"dossier {dossier_id} does not exist")
            tables.dossiers[dossier_id] = dataclasses.replace(
                old,
                stage=stage,
                updated_at=now,
                reasons=old.reasons if reasons is None else reasons,
                outcome_documents=tuple(outcome_documents) or old.outcome_documents,
            )

        if dossier_id not in self._tx.tables.dossiers:
            raise LookupError(f"dossier {dossier_id} does not exist")
        self._tx.write(set_stage)


def _copy(record: DossierRecord) -> DossierRecord:
    """What a JSON column gives back: a snapshot the caller may change without changing the stored one."""
    return dataclasses.replace(record, snapshot=as_json(record.snapshot))
