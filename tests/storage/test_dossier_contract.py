"""The dossier repository's contract on SQLite, PostgreSQL and the in-memory fake: a dossier is stored as sent,
read back whole, listed for its receiver by stage, moved through the stages, and a new sending is a new row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from cdht.handlers.ports import DossierDocument, SelfAssessmentMeeting, UnitOfWork
from tests.conftest import NOW

Factory = Callable[[], UnitOfWork]
MEETING = SelfAssessmentMeeting(
    date(2026, 1, 15), "Ông Nguyễn Văn An, Chủ tịch UBND xã", "Đại diện các thôn", 1
)
DOCUMENTS = (
    DossierDocument("request_letter", "to-trinh.docx", "ab" * 32),
    DossierDocument("summary_table", "bang-tong-hop.xlsx", "cd" * 32),
)
SNAPSHOT = {"assessment": {"level": 1, "levels": {"1": {"passed": True}}}, "evidence": ["Ảnh họp thôn"]}


async def _setup(factory: Factory) -> tuple[int, int, int, int]:
    async with factory() as uow:
        district = await uow.units.add("D1", "Huyện Một", "district", None, NOW)
        commune = await uow.units.add("C1", "Xã Một", "commune", district.id, NOW)
        other = await uow.units.add("C2", "Xã Hai", "commune", district.id, NOW)
        officer = await uow.people.add("Cán bộ xã", "+84900000001", "commune_officer", commune.id, NOW)
        await uow.commit()
    return district.id, commune.id, other.id, officer.id


async def _send(uow: UnitOfWork, unit: int, receiver: int, officer: int, when=NOW, level=1):  # type: ignore[no-untyped-def]
    return await uow.dossiers.add(
        unit_id=unit,
        year=2025,
        level=level,
        receiver_unit_id=receiver,
        meeting=MEETING,
        snapshot=SNAPSHOT,
        documents=DOCUMENTS,
        content_hash="ef" * 32,
        sent_by=officer,
        now=when,
    )


class TestDossierContract:
    async def test_a_dossier_is_read_back_as_sent(self, backend_uow_factory: Factory) -> None:
        district, commune, _, officer = await _setup(backend_uow_factory)
        async with backend_uow_factory() as uow:
            assert await uow.dossiers.latest(commune, 2025) is None
            sent = await _send(uow, commune, district, officer)
            await uow.commit()
        async with backend_uow_factory() as uow:
            got = await uow.dossiers.get(sent.id)
            assert got == sent
            assert got is not None
            assert got.stage == "sent" and got.meeting == MEETING and got.documents == DOCUMENTS
            assert got.snapshot == SNAPSHOT and got.reasons is None and got.outcome_documents == ()
            assert got.sent_at == NOW and got.updated_at == NOW
            assert await uow.dossiers.get(sent.id + 1000) is None
            assert await uow.dossiers.latest(commune, 2024) is None

    async def test_stages_reasons_and_a_new_sending(self, backend_uow_factory: Factory) -> None:
        district, commune, other, officer = await _setup(backend_uow_factory)
        later = NOW + timedelta(days=1)
        async with backend_uow_factory() as uow:
            first = await _send(uow, commune, district, officer)
            elsewhere = await _send(uow, other, district, officer)
            await uow.commit()
        async with backend_uow_factory() as uow:
            await uow.dossiers.set_stage(first.id, "returned", later, reasons="Thiếu biên bản họp")
            await uow.commit()
        async with backend_uow_factory() as uow:
            returned = await uow.dossiers.get(first.id)
            assert returned is not None
            assert returned.stage == "returned" and returned.reasons == "Thiếu biên bản họp"
            assert returned.updated_at == later and returned.sent_at == NOW
            again = await _send(uow, commune, district, officer, later, level=1)
            await uow.commit()
        async with backend_uow_factory() as uow:
            latest = await uow.dossiers.latest(commune, 2025)
            assert latest is not None and latest.id == again.id and latest.stage == "sent"
            assert [d.id for d in await uow.dossiers.for_receiver(district, 2025)] == [
                first.id,
                elsewhere.id,
                again.id,
            ]
            waiting = await uow.dossiers.for_receiver(district, 2025, ("sent",))
            assert [d.id for d in waiting] == [elsewhere.id, again.id]
            assert await uow.dossiers.for_receiver(district, 2024) == []
            assert await uow.dossiers.for_receiver(commune, 2025) == []
            outcome = (DossierDocument("draft_decision", "du-thao-qd.docx", "12" * 32),)
            await uow.dossiers.set_stage(again.id, "passed", later, outcome_documents=outcome)
            await uow.commit()
        async with backend_uow_factory() as uow:
            passed = await uow.dossiers.get(again.id)
            assert passed is not None and passed.stage == "passed" and passed.outcome_documents == outcome
            assert passed.reasons is None and passed.content_hash == "ef" * 32

    async def test_the_stage_of_each_units_latest_dossier_in_one_call(
        self, backend_uow_factory: Factory
    ) -> None:
        district, commune, other, officer = await _setup(backend_uow_factory)
        async with backend_uow_factory() as uow:
            first = await _send(uow, commune, district, officer)
            await _send(uow, other, district, officer)
            await uow.commit()
        async with backend_uow_factory() as uow:
            await uow.dossiers.set_stage(first.id, "returned", NOW, reasons="Thiếu biên bản họp")
            assert await uow.dossiers.stages([commune, other], 2025) == {commune: "returned", other: "sent"}
            again = await _send(uow, commune, district, officer, NOW + timedelta(days=1))
            await uow.dossiers.set_stage(again.id, "checked", NOW + timedelta(days=2))
            await uow.commit()
        async with backend_uow_factory() as uow:  # the latest sending wins, whatever the earlier one's stage
            assert await uow.dossiers.stages([commune, other, district], 2025) == {
                commune: "checked",
                other: "sent",
            }
            assert await uow.dossiers.stages([commune], 2024) == {}
            assert await uow.dossiers.stages([], 2025) == {}

    async def test_a_stored_snapshot_does_not_change_with_the_callers_copy(
        self, backend_uow_factory: Factory
    ) -> None:
        district, commune, _, officer = await _setup(backend_uow_factory)
        async with backend_uow_factory() as uow:
            sent = await _send(uow, commune, district, officer)
            await uow.commit()
        async with backend_uow_factory() as uow:
            got = await uow.dossiers.get(sent.id)
            assert got is not None
            got.snapshot["evidence"].append("sửa")
        async with backend_uow_factory() as uow:
            again = await uow.dossiers.get(sent.id)
            assert again is not None and again.snapshot == SNAPSHOT

    async def test_unknown_dossier_and_rollback(self, backend_uow_factory: Factory) -> None:
        district, commune, _, officer = await _setup(backend_uow_factory)
        async with backend_uow_factory() as uow:
            with pytest.raises(LookupError):
                await uow.dossiers.set_stage(999, "checked", NOW)
        async with backend_uow_factory() as uow:
            await _send(uow, commune, district, officer)  # not committed
        async with backend_uow_factory() as uow:
            assert await uow.dossiers.latest(commune, 2025) is None
