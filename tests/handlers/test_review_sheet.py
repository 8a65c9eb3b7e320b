"""The review page's read model: a unit's answers numbered as /duyet numbers them, each with the evidence that
backs it, the review state and its history."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from cdht.handlers.officer.review import return_answers
from cdht.handlers.officer.review_sheet import evidence_in_unit, review_sheet
from cdht.handlers.ports import NewAnswer, NewEvidence, PersonRecord, UnitRecord
from tests.conftest import NOW
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork
from tests.support import YEAR, answer_everything, chat, console_clock, demo_app, make_photo

HEAD_T1 = "+84902000001"
OFFICER_X1 = "+84901000001"
DISTRICT = "+84900000002"
ZONE = "Asia/Ho_Chi_Minh"


async def _unit_and_person(app: object, code: str, phone: str) -> tuple[UnitRecord, PersonRecord]:
    async with app.uow() as uow:  # type: ignore[attr-defined]
        unit = await uow.units.by_code(code)
        person = await uow.people.by_phone(phone)
    assert unit is not None and person is not None
    return unit, person


async def test_a_villages_rows_are_numbered_as_in_duyet_with_each_photo_under_what_it_backs(
    tmp_path: Path,
) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        head, _ = await chat(app, HEAD_T1, clock)
        await answer_everything(app, head, HEAD_T1, make_photo(tmp_path))
        officer, _ = await chat(app, OFFICER_X1, clock)
        listing = [
            line
            for line in "\n".join(await officer.send("/duyet DEMO-SH-X1-T1")).splitlines()
            if re.match(r"\d+\. ", line)
        ]
        village, commune_officer = await _unit_and_person(app, "DEMO-SH-X1-T1", OFFICER_X1)
        other, district = await _unit_and_person(app, "DEMO-SH-X1-T2", DISTRICT)
        async with app.uow() as uow:
            sheet = await review_sheet(uow, commune_officer, village, YEAR, ZONE)
            seen_by_district = await review_sheet(uow, district, village, YEAR, ZONE)
            stored = await uow.evidence.for_unit(village.id, YEAR)
            served = [await evidence_in_unit(uow, village, YEAR, e.id) for e in stored]
            elsewhere = [await evidence_in_unit(uow, other, YEAR, e.id) for e in stored]
            other_year = [await evidence_in_unit(uow, village, YEAR - 1, e.id) for e in stored]
    assert (sheet.code, sheet.name, sheet.tier, sheet.year) == ("DEMO-SH-X1-T1", "Thôn Đông", "village", YEAR)
    assert (sheet.status, sheet.status_label, sheet.reason) == ("submitted", "✅ chờ duyệt", None)
    assert sheet.can_act and not seen_by_district.can_act
    assert [row.number for row in sheet.rows] == list(range(1, len(listing) + 1))
    for row, line in zip(sheet.rows, listing, strict=True):
        attached = f" · 📎{len(row.evidence)}" if row.evidence else ""
        assert line == f"{row.number}. {row.name}: {row.shown}{attached}"
    backed = {row.question_id: [item.id for item in row.evidence] for row in sheet.rows if row.evidence}
    by_question = {e.question_id: e.id for e in stored}
    assert backed == {  # sent at the photo questions, shown under the answers they back
        "communication_sessions": [by_question["communication_photos"]],
        "lifelong_week": [by_question["lifelong_week_photos"]],
        "clubs": [by_question["club_photos"]],
    }
    [item] = sheet.rows[12].evidence
    assert (item.name, item.mime, item.is_image, item.caption) == ("hop-thon.jpg", "image/jpeg", True, None)
    assert served == stored and elsewhere == [None] * 3 and other_year == [None] * 3
    assert sheet.history == ()


async def test_returns_and_approvals_are_the_history_newest_first_in_local_time(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        head, _ = await chat(app, HEAD_T1, clock)
        await answer_everything(app, head, HEAD_T1, make_photo(tmp_path))
        village, officer = await _unit_and_person(app, "DEMO-SH-X1-T1", OFFICER_X1)
        returned_at = clock()
        async with app.uow() as uow:
            await return_answers(
                uow,
                officer,
                village,
                YEAR,
                ["communication_sessions", "citizens"],
                "đếm lại",
                returned_at,
                "console",
            )
            await uow.commit()
        async with app.uow() as uow:
            returned = await review_sheet(uow, officer, village, YEAR, ZONE)
        await head.send("1.100")
        await head.send("4")
        await head.send("xong")
        approver, _ = await chat(app, OFFICER_X1, clock)
        await approver.send("/duyet_ok DEMO-SH-X1-T1")
        async with app.uow() as uow:
            approved = await review_sheet(uow, officer, village, YEAR, ZONE)
            [approval] = [e for e in await uow.audit.for_units([village.id], YEAR) if e.action == "approve"]
    assert (returned.status, returned.status_label, returned.reason) == (
        "returned",
        "↩️ đã trả lại",
        "đếm lại",
    )
    ids = [row.question_id for row in returned.rows]
    assert "citizens" not in ids and "communication_sessions" not in ids  # withdrawn until fixed
    photos = next(row for row in returned.rows if row.question_id == "communication_photos")
    assert len(photos.evidence) == 1  # the answer it backs is withdrawn: shown where it was sent
    local = returned_at.astimezone(ZoneInfo(ZONE))
    told = f"{local:%d/%m/%Y %H:%M} · Phan Thị Thu · ↩️ trả lại «Số công dân», «Số buổi tuyên truyền»: đếm lại"
    assert returned.history == (told,)
    assert (approved.status, approved.reason) == ("approved", None)
    assert approved.history == (
        f"{approval.created_at.astimezone(ZoneInfo(ZONE)):%d/%m/%Y %H:%M} · Phan Thị Thu · 🟢 duyệt",
        told,
    )
    assert re.match(r"\d\d/\d\d/\d{4} \d\d:\d\d · ", told)


async def test_a_communes_own_answers_are_read_only_and_its_evidence_backs_its_indicators(
    tmp_path: Path,
) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        officer_chat, _ = await chat(app, OFFICER_X1, clock)
        await answer_everything(
            app, officer_chat, OFFICER_X1, make_photo(tmp_path), questionnaire_id="commune_officer"
        )
        commune, officer = await _unit_and_person(app, "DEMO-SH-X1", OFFICER_X1)
        async with app.uow() as uow:
            sheet = await review_sheet(uow, officer, commune, YEAR, ZONE)
            stored = await uow.evidence.for_unit(commune.id, YEAR)
    assert sheet.tier == "commune" and not sheet.can_act
    first = sheet.rows[0]
    assert (first.number, first.question_id) == (1, "i1_1") and first.name.startswith("1.1")
    [photo] = first.evidence
    assert photo.id == next(e.id for e in stored if e.question_id == "i1_1_evidence")
    assert sum(len(row.evidence) for row in sheet.rows) == len(stored)
    assert all(not row.evidence for row in sheet.rows if row.question_id.endswith("_evidence"))


async def test_files_without_a_name_or_a_safe_image_type_and_unstored_ones() -> None:
    database = MemoryDatabase()
    async with MemoryUnitOfWork(database) as uow:
        commune = await uow.units.add("C1", "Xã Một", "commune", None, NOW)
        village = await uow.units.add("V1", "Thôn A", "village", commune.id, NOW)
        officer = await uow.people.add("Trần Thị B", "+84987654321", "commune_officer", commune.id, NOW)
        await uow.answers.add(NewAnswer(village.id, YEAR, "clubs", 2, NOW, "chat", fact="clubs", display="2"))
        common = partial(NewEvidence, village.id, YEAR, "club_photos", fact="clubs")
        photo = await uow.evidence.add(
            common(media_type="photo", created_at=NOW, sha256="a" * 64, caption="Buổi 1")
        )
        drawing = await uow.evidence.add(
            common(
                media_type="document",
                created_at=NOW + timedelta(seconds=1),
                sha256="b" * 64,
                mime_type="image/svg+xml",
                original_name="so-do.svg",
            )
        )
        unstored = await uow.evidence.add(common(media_type="photo", created_at=NOW))
        sheet = await review_sheet(uow, officer, village, YEAR, ZONE)
        assert await evidence_in_unit(uow, village, YEAR, unstored.id) is None
        assert await evidence_in_unit(uow, village, YEAR, photo.id) == photo
    [row] = sheet.rows
    assert [(i.id, i.name, i.mime, i.is_image, i.caption) for i in row.evidence] == [
        (photo.id, f"anh-{photo.id}.jpg", "image/jpeg", True, "Buổi 1"),
        (drawing.id, "so-do.svg", "image/svg+xml", False, None),  # never inline: an SVG may carry scripts
    ]
    assert (sheet.status, sheet.status_label, sheet.can_act) == ("", "✍️ chưa gửi", True)
