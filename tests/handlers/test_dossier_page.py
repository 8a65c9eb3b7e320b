"""The dossier page: the files offered for a unit's tier, asked for as /xuat does, read back by the person who
asked, and downloaded under a name that says what they are."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from cdht.bot.console.channel import LocalFileFetcher
from cdht.handlers.exports.dossier_page import (
    SUFFIXES,
    ExportChoice,
    ExportRefused,
    export_choices,
    export_file,
    recent_exports,
    request_export,
)
from cdht.handlers.exports.jobs import EXPORT_FORMATS, LABELS, run_next_job
from cdht.handlers.ports import JobRecord, PersonRecord, UnitRecord, media_type
from cdht.handlers.wire import outbound_from_json
from tests.conftest import NOW
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork
from tests.support import YEAR, answer_everything, chat, console_clock, demo_app, make_photo

LATER = NOW + timedelta(minutes=1)


async def _commune(database: MemoryDatabase) -> tuple[dict[str, UnitRecord], PersonRecord, PersonRecord]:
    """District D1 with communes C1 and C2 (village V1 in C1); C1's officer on Telegram chat 700, a colleague."""
    async with MemoryUnitOfWork(database) as uow:
        district = await uow.units.add("D1", "Huyện Một", "district", None, NOW)
        c1 = await uow.units.add("C1", "Xã Một", "commune", district.id, NOW)
        c2 = await uow.units.add("C2", "Xã Hai", "commune", district.id, NOW)
        village = await uow.units.add("V1", "Thôn A", "village", c1.id, NOW)
        officer = await uow.people.add("Trần Thị B", "+84987654321", "commune_officer", c1.id, NOW)
        colleague = await uow.people.add("Lê Văn C", "+84987654322", "commune_officer", c1.id, NOW)
        await uow.people.link_identity(officer.id, "telegram", "700", "700", NOW)
        await uow.commit()
    return {"D1": district, "C1": c1, "C2": c2, "V1": village}, officer, colleague


def test_the_choices_are_those_of_baocao_for_the_tier() -> None:
    commune = UnitRecord(1, "C1", "Xã Một", "commune", None)
    district = replace(commune, tier="district")
    offered = [fmt for fmt, (_, tiers) in EXPORT_FORMATS.items() if "commune" in tiers]
    assert export_choices(commune) == tuple(ExportChoice(fmt, LABELS[fmt]) for fmt in offered)
    assert "nam" not in offered and "nam" in [c.format for c in export_choices(district)]
    assert export_choices(replace(commune, tier="village")) == ()
    assert set(SUFFIXES) == set(EXPORT_FORMATS)  # every format downloads under a name with its type


async def test_an_export_is_queued_as_xuat_does_and_a_format_not_for_the_tier_is_refused() -> None:
    database = MemoryDatabase()
    units, officer, _ = await _commune(database)
    async with MemoryUnitOfWork(database) as uow:
        job = await request_export(uow, officer, units["C1"], "xlsx", YEAR, "telegram", NOW)
        for fmt, unit in (("nam", "C1"), ("pdf", "C1"), ("xlsx", "V1")):
            with pytest.raises(ExportRefused) as refused:
                await request_export(uow, officer, units[unit], fmt, YEAR, "telegram", NOW)
            assert refused.value.message == "Loại tệp này không có cho đơn vị đã chọn."
        await uow.commit()
    assert [replace(j, id=0) for j in database.tables.jobs.values()] == [
        JobRecord(
            "export",
            {"unit": "C1", "year": YEAR, "format": "xlsx"},
            "pending",
            NOW,
            requested_by=officer.id,
            channel="telegram",
            chat_id="700",  # the file also arrives in the person's chat
        )
    ]
    assert job.id in database.tables.jobs


async def test_the_person_sees_their_own_exports_of_the_unit_and_year_newest_first() -> None:
    database = MemoryDatabase()
    units, officer, colleague = await _commune(database)
    async with MemoryUnitOfWork(database) as uow:
        old = await request_export(uow, officer, units["C1"], "xlsx", YEAR, "telegram", NOW)
        await request_export(uow, officer, units["C2"], "xlsx", YEAR, "telegram", NOW)
        await request_export(uow, officer, units["C1"], "xlsx", YEAR - 1, "telegram", NOW)
        await request_export(uow, colleague, units["C1"], "zip", YEAR, "telegram", NOW)
        failed = await request_export(uow, officer, units["C1"], "totrinh", YEAR, "telegram", NOW)
        running = await request_export(uow, officer, units["C1"], "zip", YEAR, "telegram", LATER)
        for _ in range(3):  # each claim takes the oldest pending job: `old` first, then `failed`
            claimed = await uow.jobs.claim_next()
            assert claimed is not None
            outcome = {"result_path": "f" * 64, "error": None} if claimed.id == old.id else {}
            await uow.jobs.finish(claimed.id, LATER, **({"result_path": None, "error": "boom"} | outcome))
        await uow.commit()
    async with MemoryUnitOfWork(database) as uow:
        shown = await recent_exports(uow, officer, units["C1"], YEAR)
        assert await recent_exports(uow, officer, units["C1"], YEAR, limit=1) == shown[:1]
    assert [(j.id, j.format, j.status, j.status_label, j.file_sha256) for j in shown] == [
        (running.id, "zip", "pending", "⏳ đang chờ", None),
        (failed.id, "totrinh", "pending", "⏳ đang chờ", None),
        (old.id, "xlsx", "done", "✅ đã xong", "f" * 64),
    ]
    assert shown[0].label == LABELS["zip"] and shown[0].created_at == LATER


async def test_a_file_is_given_only_to_who_asked_for_it_once_made_and_while_in_their_scope() -> None:
    database = MemoryDatabase()
    units, officer, colleague = await _commune(database)
    async with MemoryUnitOfWork(database) as uow:
        done = await request_export(uow, officer, units["C1"], "xlsx", YEAR, "telegram", NOW)
        pending = await request_export(uow, officer, units["C1"], "zip", YEAR, "telegram", NOW)
        await uow.jobs.claim_next()
        await uow.jobs.finish(done.id, LATER, result_path="f" * 64, error=None)
        chart = await uow.jobs.add(
            JobRecord("chart", {"unit": "C1", "year": YEAR}, "pending", NOW, officer.id)
        )
        outside = await uow.jobs.add(
            JobRecord("export", {"unit": "C2", "year": YEAR, "format": "xlsx"}, "pending", NOW, officer.id)
        )
        for job in (chart, outside):
            database.tables.jobs[job.id] = replace(job, status="done", result_path="e" * 64)
        await uow.commit()
    async with MemoryUnitOfWork(database) as uow:
        found = await export_file(uow, officer, done.id)
        assert found is not None
        job, name = found
        assert (job.id, job.result_path) == (done.id, "f" * 64)
        assert name == f"{done.id}-c1-{YEAR}-bang-tong-hop-ket-qua.xlsx"
        assert media_type(name) == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert await export_file(uow, colleague, done.id) is None
        assert await export_file(uow, officer, pending.id) is None
        assert await export_file(uow, officer, chart.id) is None
        assert await export_file(uow, officer, outside.id) is None  # C2 is not the officer's
        assert await export_file(uow, officer, done.id + 100) is None


async def test_the_download_name_has_the_type_of_the_file_the_job_made(tmp_path: Path) -> None:
    """The jobs runner renders each format; the file kept is the first one sent in chat, of the same type."""
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        officer_chat, _ = await chat(app, "+84901000001", clock)
        await chat(app, "+84900000002", clock)  # the district admin: the runner sends their file to this chat
        await answer_everything(
            app, officer_chat, "+84901000001", make_photo(tmp_path), questionnaire_id="commune_officer"
        )
        async with app.uow() as uow:
            commune = await uow.units.by_code("DEMO-SH-X1")
            district = await uow.units.by_code("DEMO-SH")
            officer = await uow.people.by_phone("+84901000001")
            admin = await uow.people.by_phone("+84900000002")
            assert commune is not None and district is not None and officer is not None and admin is not None
            jobs = [
                await request_export(uow, officer, commune, choice.format, YEAR, "console", clock())
                for choice in export_choices(commune)
                if choice.format != "hoidong"  # needs a council's opinions: a message, no file
            ]
            jobs.append(await request_export(uow, admin, district, "nam", YEAR, "console", clock()))
            await uow.commit()
        services = app.services(LocalFileFetcher(), today=clock.now.date())
        while await run_next_job(app.uow, services, clock) is not None:
            pass
        async with app.uow() as uow:
            queued = await uow.outbox.due("console", clock.now + timedelta(days=1), limit=1000)
            found = {
                job.id: await export_file(uow, admin if job.params["unit"] == "DEMO-SH" else officer, job.id)
                for job in jobs
            }
    files = [m.attachment for row in queued if (m := outbound_from_json(row.payload)).attachment is not None]
    for job in jobs:
        result = found[job.id]
        assert result is not None, job.params
        stored, name = result
        first = next(f for f in files if f.name.startswith(f"{job.id}-"))  # the first file sent of the job
        assert first.sha256 == stored.result_path
        assert Path(name).suffix == Path(first.name).suffix and media_type(name) == first.mime
