"""The circular's procedure in chat (TT25 Điều 9, 14, 19): a commune records its self-assessment meeting and sends
its dossier; Phòng GD&ĐT of the district receives it, checks it or returns it with reasons; the commune corrects
and sends again. On the console, on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.bot.composition import App
from cdht.config import Settings
from cdht.handlers.ports import DossierRecord, NewAnswer
from cdht.handlers.procedure import sending
from cdht.handlers.procedure.rules import receiving_unit, send_deadline, stage_line
from cdht.handlers.procedure.sending import content_hash
from tests.conftest import NOW
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork
from tests.reports.fixtures import level_1_commune
from tests.support import YEAR, answer_everything, chat, console_clock, make_photo, open_demo_app

HEAD_T1 = "+84902000001"
OFFICER_X1 = "+84901000001"
OFFICER_X2 = "+84901000002"
DISTRICT = "+84900000002"
PROVINCE = "+84900000001"
X1 = "DEMO-SH-X1"
MEETING = (
    "15/11/2025",
    "Ông Phan Văn Chủ, Chủ tịch UBND xã",
    "Hội Khuyến học xã; Ủy ban MTTQ Việt Nam xã",
    "1",
)


@pytest.fixture
async def app(
    request: pytest.FixtureRequest, tmp_path: Path, database_url_and_engine: tuple[str, AsyncEngine]
) -> AsyncIterator[App]:
    """The demo app on SQLite, then on PostgreSQL."""
    url, _ = database_url_and_engine
    schema = None if url.startswith("sqlite") else request.getfixturevalue("postgres_schema")
    settings = Settings(
        data_dir=tmp_path / "data",
        assessment_year=YEAR,
        database_url=url,
        database_schema=schema,
        _env_file=None,
    )
    async with open_demo_app(settings) as application:
        yield application


@pytest.fixture
def reaches_level_1(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo commune's scores reach level 1 (its few answers would not)."""

    async def assess(uow: object, unit: object, year: int, validity: object = None) -> object:
        return level_1_commune(X1)

    monkeypatch.setattr(sending, "assess", assess)


async def _meeting(officer) -> list[str]:  # type: ignore[no-untyped-def]
    replies: list[str] = []
    assert "Cuộc họp ngày nào" in "\n".join(await officer.send("/hop"))
    for line in MEETING:
        replies = await officer.send(line)
    return replies


def _files(app: App, dossier: DossierRecord) -> dict[str, bytes]:
    return {d.sha256: app.files.read_bytes(d.sha256) for d in dossier.documents}


async def _latest(app: App, code: str = X1) -> DossierRecord | None:
    async with app.uow() as uow:
        unit = await uow.units.by_code(code)
        assert unit is not None
        return await uow.dossiers.latest(unit.id, YEAR)


async def test_a_commune_sends_the_district_returns_and_checks(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = console_clock()
    officer, _ = await chat(app, OFFICER_X1, clock)
    district, _ = await chat(app, DISTRICT, clock)
    province, _ = await chat(app, PROVINCE, clock)
    other, _ = await chat(app, OFFICER_X2, clock)

    refused = "\n".join(await officer.send("/guihoso"))
    assert "cần ghi cuộc họp" in refused and await _latest(app) is None

    assert "Cuộc họp ngày nào" in "\n".join(await officer.send("/hop"))
    assert "Ngày chưa đúng" in "\n".join(await officer.send("hôm qua"))
    assert "không sau hôm nay" in "\n".join(await officer.send("15/01/2026"))
    for line in MEETING[:3]:
        await officer.send(line)
    assert "1 hoặc 2" in "\n".join(await officer.send("mức 5"))
    recorded = "\n".join(await officer.send("1"))
    assert "✅ Đã ghi cuộc họp" in recorded and "15/11/2025" in recorded

    not_reached = "\n".join(await officer.send("/guihoso"))  # the demo commune's real scores
    assert "chưa đạt mức độ 1" in not_reached and "Còn thiếu" in not_reached
    assert await _latest(app) is None

    async def assess(uow: object, unit: object, year: int, validity: object = None) -> object:
        return level_1_commune(X1)

    monkeypatch.setattr(sending, "assess", assess)
    assert "Cuộc họp tự đánh giá đã thống nhất mức độ 1" in "\n".join(await officer.send("/guihoso 2"))
    sent = "\n".join(await officer.send("/guihoso"))
    assert "✅ Đã gửi hồ sơ đề nghị công nhận mức độ 1 năm 2025 đến Huyện Sơn Hà" in sent
    assert "Tờ trình đề nghị công nhận" in sent and "Báo cáo tự đánh giá" in sent
    first = await _latest(app)
    assert first is not None and first.stage == "sent" and len(first.documents) == 3
    stored = _files(app, first)
    for document in first.documents:
        assert hashlib.sha256(stored[document.sha256]).hexdigest() == document.sha256
    assert first.content_hash == content_hash(first.snapshot, first.documents)
    assert "đã gửi ngày" in "\n".join(await officer.send("/guihoso"))  # only once until returned

    assert any("gửi hồ sơ đề nghị công nhận" in line for line in await district.notices())
    listing = "\n".join(await district.send("/hoso"))
    assert f"#{first.id} Xã An Bình" in listing and "đã gửi hồ sơ" in listing
    shown = "\n".join(await district.send(f"/hs_xem {first.id}"))
    assert "✅ Tờ trình đề nghị công nhận" in shown and "✅ Bản tổng hợp kết quả" in shown
    assert "trong hạn 28/02/2026" in shown

    # nobody else sees or acts on it
    assert "không dành cho vai trò" in "\n".join(await other.send(f"/hs_ok {first.id}"))
    assert "Không tìm thấy hồ sơ" in "\n".join(await province.send(f"/hs_xem {first.id}"))
    assert "Không tìm thấy hồ sơ" in "\n".join(await province.send(f"/hs_ok {first.id}"))
    assert "Chưa có hồ sơ" in "\n".join(await province.send("/hoso"))
    assert "Không tìm thấy hồ sơ" in "\n".join(await district.send("/hs_ok abc"))

    assert "Xin gõ lý do" in "\n".join(await district.send(f"/hs_tralai {first.id}"))
    assert "Đã trả lại" in "\n".join(await district.send("Thiếu chữ ký trên biên bản họp"))
    told = "\n".join(await officer.notices())
    assert "bị trả lại" in told and "Thiếu chữ ký trên biên bản họp" in told
    returned = await _latest(app)
    assert returned is not None and returned.stage == "returned" and returned.reasons

    again = "\n".join(await officer.send("/guihoso"))
    assert "✅ Đã gửi hồ sơ" in again
    second = await _latest(app)
    assert second is not None and second.id != first.id and second.stage == "sent"
    async with app.uow() as uow:
        old = await uow.dossiers.get(first.id)
        assert old is not None and old.stage == "returned"  # history stays

    assert "đủ hồ sơ" in "\n".join(await district.send(f"/hs_ok {second.id}"))
    assert any("kiểm tra: đủ hồ sơ" in line for line in await officer.notices())
    assert "không cần kiểm tra lại" in "\n".join(await district.send(f"/hs_ok {second.id}"))
    checked = await _latest(app)
    assert checked is not None and checked.stage == "checked"

    progress = "\n".join(await district.send("/tiendo"))
    assert "Xã An Bình (dữ liệu mẫu): đã kiểm tra" in progress
    assert "Xã Hòa Lạc (dữ liệu mẫu): đang trả lời" in progress

    async with app.uow() as uow:
        commune = await uow.units.by_code(X1)
        assert commune is not None
        actions = [entry.action for entry in await uow.audit.for_units([commune.id], YEAR)]
    for action in ("self_assessment_meeting", "dossier_sent", "dossier_returned", "dossier_checked"):
        assert action in actions
    assert actions.count("dossier_sent") == 2


async def test_the_sent_dossier_does_not_change_when_an_answer_is_edited(
    app: App, tmp_path: Path, reaches_level_1: None
) -> None:
    clock = console_clock()
    head, _ = await chat(app, HEAD_T1, clock)
    await answer_everything(app, head, HEAD_T1, make_photo(tmp_path))
    officer, _ = await chat(app, OFFICER_X1, clock)
    assert "✅ Đã ghi cuộc họp" in "\n".join(await _meeting(officer))
    assert "✅ Đã gửi hồ sơ" in "\n".join(await officer.send("/guihoso"))
    sent = await _latest(app)
    assert sent is not None
    files = _files(app, sent)
    async with app.uow() as uow:
        commune = await uow.units.by_code(X1)
        village = await uow.units.by_code("DEMO-SH-X1-T1")
        assert commune is not None and village is not None
        for unit_id in (commune.id, village.id):
            await uow.answers.add(
                NewAnswer(unit_id, YEAR, "citizens", 2000, datetime(2025, 11, 21, tzinfo=UTC), "chat")
            )
        await uow.commit()
    after = await _latest(app)
    assert after == sent
    assert _files(app, after) == files
    assert after.content_hash == content_hash(after.snapshot, after.documents)


async def test_late_dossiers_are_flagged(app: App, reaches_level_1: None) -> None:
    clock = console_clock()
    clock.now = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)
    officer, _ = await chat(app, OFFICER_X1, clock)
    district, _ = await chat(app, DISTRICT, clock)
    await _meeting(officer)
    sent = "\n".join(await officer.send("/guihoso"))
    assert "✅ Đã gửi hồ sơ" in sent and "gửi sau hạn 28/02/2026" in sent
    dossier = await _latest(app)
    assert dossier is not None
    shown = "\n".join(await district.send(f"/hs_xem {dossier.id}"))
    assert "❌ Gửi ngày 05/03/2026 (quá hạn 28/02/2026)" in shown
    progress = "\n".join(await district.send("/tiendo"))
    assert "Xã Hòa Lạc (dữ liệu mẫu): đang trả lời — ⚠️ quá hạn gửi hồ sơ (trước ngày 28/02/2026)" in progress
    clock.now = datetime(2026, 4, 2, 2, 0, tzinfo=UTC)
    progress = "\n".join(await district.send("/tiendo"))
    assert "Xã An Bình (dữ liệu mẫu): đã gửi hồ sơ — ⚠️ quá hạn hoàn thành" in progress


def test_the_circulars_dates() -> None:
    assert send_deadline("commune", 2025) == date(2026, 2, 28)
    assert send_deadline("district", 2025) == date(2026, 4, 30)
    assert send_deadline("province", 2025) == date(2026, 7, 31)
    assert stage_line(None, "commune", 2025, date(2026, 2, 28)) == "đang trả lời"
    assert "quá hạn gửi hồ sơ" in stage_line(None, "commune", 2025, date(2026, 3, 1))


async def test_the_receiving_tier_is_configuration() -> None:
    database = MemoryDatabase()
    async with MemoryUnitOfWork(database) as uow:
        province = await uow.units.add("P", "Tỉnh", "province", None, NOW)
        district = await uow.units.add("D", "Huyện", "district", province.id, NOW)
        commune = await uow.units.add("C", "Xã", "commune", district.id, NOW)
        defaults = {"commune": "district", "district": "province", "province": "province"}
        assert await receiving_unit(uow, commune, defaults) == district
        assert await receiving_unit(uow, district, defaults) == province
        assert await receiving_unit(uow, province, defaults) == province
        after_2025 = {"commune": "province"}  # no district tier: the province receives communes' dossiers
        assert await receiving_unit(uow, commune, after_2025) == province
        assert await receiving_unit(uow, district, after_2025) is None


async def test_one_tier_up_a_district_sends_to_the_province(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def assess(uow: object, unit: object, year: int, validity: object = None) -> object:
        return dataclasses.replace(level_1_commune("DEMO-SH"), tier="district", unit_name="Huyện Sơn Hà")

    monkeypatch.setattr(sending, "assess", assess)
    clock = console_clock()
    district, _ = await chat(app, DISTRICT, clock)
    province, _ = await chat(app, PROVINCE, clock)
    officer, _ = await chat(app, OFFICER_X1, clock)
    await _meeting(district)
    sent = "\n".join(await district.send("/guihoso"))
    assert "✅ Đã gửi hồ sơ đề nghị công nhận mức độ 1 năm 2025 đến Tỉnh Demo" in sent
    dossier = await _latest(app, "DEMO-SH")
    assert dossier is not None and dossier.stage == "sent"
    assert "Không tìm thấy hồ sơ" in "\n".join(
        await district.send(f"/hs_xem {dossier.id}")
    )  # not its own check
    assert "không dành cho vai trò" in "\n".join(await officer.send(f"/hs_xem {dossier.id}"))
    shown = "\n".join(await province.send(f"/hs_xem {dossier.id}"))
    assert "Huyện Sơn Hà" in shown and "trong hạn 30/04/2026" in shown
    assert "đủ hồ sơ" in "\n".join(await province.send(f"/hs_ok {dossier.id}"))
    assert any("kiểm tra: đủ hồ sơ" in line for line in await district.notices())
