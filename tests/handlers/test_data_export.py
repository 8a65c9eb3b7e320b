"""The raw data export in chat (`/xuat data:UNIT`): who may ask, what the two files hold, how it reports."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from cdht.bot.console.channel import LocalFileFetcher
from cdht.conversations.inbound import Command
from cdht.handlers.command_table import NOT_IN_SCOPE, allowed
from cdht.handlers.context import Services
from cdht.handlers.exports import jobs
from cdht.handlers.exports.data import LABEL, RowProgress, plan_answer_table, write_answer_table
from cdht.handlers.exports.jobs import progress_message, run_next_job, show_progress
from cdht.handlers.officer.menu_commands import run_command
from cdht.handlers.ports import JobRecord, NewAnswer, NewEvidence, PersonRecord, YearRecord
from cdht.handlers.wire import outbound_from_json
from cdht.reports.xlsx.answer_table import LONG_HEADERS, LONG_SHEET, WIDE_FIXED, WIDE_SHEET
from cdht.storage.folder_files import FolderFileStore
from tests.conftest import NOW
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork
from tests.support import answer_everything, chat, console_clock, demo_app, make_photo

YEAR = 2025
HEAD = {label: index for index, (label, _) in enumerate(LONG_HEADERS)}
People = dict[str, PersonRecord]


def _answer(unit_id: int, question: str, value: object, display: str, person: int | None) -> NewAnswer:
    return NewAnswer(
        unit_id=unit_id,
        year=YEAR,
        question_id=question,
        value=value,  # type: ignore[arg-type]
        answered_at=NOW,  # 08:00 UTC: 15:00 in Hà Nội
        source="chat",
        display=display,
        person_id=person,
        questionnaire_id="village_head",
        questionnaire_version=2,
    )


async def _province(database: MemoryDatabase) -> People:
    """P1 > D1 > X1 (villages T1, T2) and X2 (village T3); a head answered for T1 and T3."""
    async with MemoryUnitOfWork(database) as uow:
        province = await uow.units.add("P1", "Tỉnh Thử", "province", None, NOW)
        district = await uow.units.add("D1", "Huyện Một", "district", province.id, NOW)
        x1 = await uow.units.add("X1", "Xã Hòa Bình", "commune", district.id, NOW)
        x2 = await uow.units.add("X2", "Xã Đồng Tâm", "commune", district.id, NOW)
        t1 = await uow.units.add("T1", "Thôn Đông", "village", x1.id, NOW)
        await uow.units.add("T2", "Thôn Tây", "village", x1.id, NOW)
        t3 = await uow.units.add("T3", "Bản Nà Lừa", "village", x2.id, NOW)
        people = {
            "head": await uow.people.add("Nguyễn Văn Ấn", "+84902000001", "village_head", t1.id, NOW),
            "head3": await uow.people.add("Lò Thị Mai", "+84902000003", "village_head", t3.id, NOW),
            "officer": await uow.people.add("Trần Thị Bình", "+84901000001", "commune_officer", x1.id, NOW),
            "district": await uow.people.add(
                "Lê Văn Cường", "+84900000001", "district_admin", district.id, NOW
            ),
        }
        for person in people.values():
            await uow.people.link_identity(person.id, "console", person.phone, person.phone, NOW)
        head = people["head"].id
        await uow.answers.add(_answer(t1.id, "households", 250, "250", head))
        await uow.answers.add(_answer(t1.id, "village_cdht", True, "Có", head))
        await uow.answers.add(_answer(t1.id, "notes", "=1+1", "=1+1", head))
        await uow.answers.add(_answer(t1.id, "clubs", 2, "2", head))
        await uow.answers.add(_answer(t1.id, "clubs", None, "", head))  # withdrawn: not exported
        await uow.answers.add(_answer(t3.id, "households", 90, "90", people["head3"].id))
        await uow.evidence.add(
            NewEvidence(
                t1.id, YEAR, "club_photos", "photo", NOW, sha256="b" * 64, original_name="câu lạc bộ.jpg"
            )
        )
        await uow.years.save(YearRecord(t1.id, YEAR, "approved"), NOW)
        await uow.commit()
    return people


def _services(tmp_path: Path) -> Services:
    return Services(files=FolderFileStore(tmp_path / "files"), fetcher=LocalFileFetcher(), year=YEAR)


async def test_the_table_holds_every_current_answer_of_the_subtree(tmp_path: Path) -> None:
    database = MemoryDatabase()
    await _province(database)
    book, table = io.BytesIO(), io.BytesIO()
    advanced: list[int] = []
    async with MemoryUnitOfWork(database) as uow:
        district = await uow.units.by_code("D1")
        assert district is not None
        plan = await plan_answer_table(uow, district, YEAR)
        rows = await write_answer_table(
            uow, plan, book, table, timezone="Asia/Ho_Chi_Minh", advance=advanced.append
        )
    assert [unit.code for unit in plan.units] == ["D1", "X1", "T1", "T2", "X2", "T3"]  # each under its parent
    assert rows == sum(advanced) == 4 and plan.total == 5  # the withdrawn answer is counted, not written
    lines = list(csv.reader(io.StringIO(table.getvalue().decode("utf-8-sig"))))[1:]
    by_question = {(line[HEAD["Mã đơn vị"]], line[HEAD["Mã câu hỏi"]]): line for line in lines}
    assert set(by_question) == {
        ("T1", "households"),
        ("T1", "village_cdht"),
        ("T1", "notes"),
        ("T3", "households"),
    }
    households = by_question["T1", "households"]
    assert [households[HEAD[c]] for c in ("Mã tỉnh", "Mã huyện", "Mã xã", "Tên đơn vị", "Cấp")] == [
        "P1",
        "D1",
        "X1",
        "Thôn Đông",
        "Thôn",
    ]
    assert "bao nhiêu hộ gia đình" in households[HEAD["Câu hỏi"]] and households[HEAD["Đơn vị tính"]] == "hộ"
    assert households[HEAD["Người trả lời"]] == "Nguyễn Văn Ấn"
    assert "+8490" not in table.getvalue().decode("utf-8-sig")  # phones are personal data: never exported
    assert households[HEAD["Thời điểm trả lời (giờ Việt Nam)"]] == "2025-03-01 15:00:00"
    assert households[HEAD["Trạng thái duyệt"]] == "Đã duyệt"
    assert by_question["T3", "households"][HEAD["Trạng thái duyệt"]] == "Chưa gửi"
    assert by_question["T1", "notes"][HEAD["Giá trị"]] == "'=1+1"
    assert by_question["T1", "village_cdht"][HEAD["Giá trị số (Có = 1, Không = 0)"]] == "1"
    evidence = {line[HEAD["Mã câu hỏi"]]: line[HEAD["Minh chứng"]] for line in lines}
    assert "câu lạc bộ.jpg" not in evidence.values()  # the photos back `clubs`, withdrawn here
    workbook = openpyxl.load_workbook(io.BytesIO(book.getvalue()))
    long = list(workbook[LONG_SHEET].iter_rows(values_only=True))
    assert len(long) == 1 + rows
    wide = list(workbook[WIDE_SHEET].iter_rows(values_only=True))
    fixed = len(WIDE_FIXED)
    assert [row[3] for row in wide[3:]] == ["D1", "X1", "T1", "T2", "X2", "T3"]  # every unit, answered or not
    households_column = list(wide[2]).index("households")
    village_questionnaire = wide[0][households_column]
    assert village_questionnaire == "village_head v2" and households_column >= fixed
    assert [row[households_column] for row in wide[3:]] == [None, None, 250, None, None, 90]


async def test_officers_export_their_own_units_only(tmp_path: Path) -> None:
    database = MemoryDatabase()
    people = await _province(database)
    services = _services(tmp_path)
    async with MemoryUnitOfWork(database) as uow:
        officer = people["officer"]
        other = await run_command(uow, officer, Command("xuat", "data:X2"), NOW, services, channel="console")
        above = await run_command(uow, officer, Command("xuat", "data:D1"), NOW, services, channel="console")
        village = await run_command(
            uow, officer, Command("xuat", "data:T1"), NOW, services, channel="console"
        )
        own = await run_command(uow, officer, Command("xuat", "data:X1"), NOW, services, channel="console")
        await uow.commit()
    assert other == [NOT_IN_SCOPE] and above == [NOT_IN_SCOPE]
    assert village[0].text == "Loại tệp này không có cho đơn vị đã chọn."
    assert own[0].text.startswith(f"⏳ Đang tạo «{LABEL}» cho Xã Hòa Bình") and own[0].edit_key
    assert not allowed("village_head", "xuat")  # the command table refuses a village head before any of this
    [job] = database.tables.jobs.values()  # only the officer's own commune was queued
    assert (
        job.params == {"unit": "X1", "year": YEAR, "format": "data"} and own[0].edit_key == f"export:{job.id}"
    )


async def test_the_menu_offers_it_and_the_job_delivers_both_files(tmp_path: Path) -> None:
    database = MemoryDatabase()
    people = await _province(database)
    services = _services(tmp_path)
    async with MemoryUnitOfWork(database) as uow:
        admin = people["district"]
        [menu] = await run_command(uow, admin, Command("baocao", "D1"), NOW, services, channel="console")
        [queued] = await run_command(uow, admin, Command("xuat", "data:D1"), NOW, services, channel="console")
        await uow.commit()
    assert any(button.label == LABEL for row in menu.buttons for button in row)
    assert await run_next_job(lambda: MemoryUnitOfWork(database), services, lambda: NOW) is not None
    sent = [
        outbound_from_json(row.payload or {})
        for row in sorted(database.tables.outbox.values(), key=lambda r: r.id)
    ]
    done, *files = sent
    assert done.edit_key == queued.edit_key and done.text.startswith(f"✅ Đã tạo «{LABEL}» cho Huyện Một")
    names = [message.attachment.name for message in files if message.attachment is not None]
    assert len(names) == 2 and names[0].endswith("d1-2025-cau-tra-loi.xlsx") and names[1].endswith(".csv")
    csv_file = services.files.read_bytes(files[1].attachment.sha256)  # type: ignore[union-attr]
    assert csv_file.startswith(b"\xef\xbb\xbf") and "Thôn Đông".encode() in csv_file
    book = openpyxl.load_workbook(io.BytesIO(services.files.read_bytes(files[0].attachment.sha256)))  # type: ignore[union-attr]
    assert book.sheetnames == [LONG_SHEET, WIDE_SHEET]


def _district_export_job(people: People, job_id: int) -> JobRecord:
    """The district admin's `/xuat data:D1`, as the job queue holds it while it runs."""
    return JobRecord(
        "export",
        {"unit": "D1", "year": YEAR, "format": "data"},
        "running",
        NOW,
        requested_by=people["district"].id,
        channel="console",
        chat_id="d1",
        id=job_id,
    )


async def test_the_progress_message_is_edited_not_piled_up() -> None:
    database = MemoryDatabase()
    people = await _province(database)
    job = _district_export_job(people, 7)
    progress = RowProgress()
    progress.total = 32_000
    for done in (1_600, 3_200):
        progress.advance(1_600)
        async with MemoryUnitOfWork(database) as uow:
            await show_progress(uow, job, progress_message(job, progress), NOW + timedelta(seconds=done))
            await uow.commit()
    [row] = database.tables.outbox.values()  # the count still waiting was updated in place
    message = outbound_from_json(row.payload or {})
    assert message.text == f"⏳ Đang tạo «{LABEL}»: đã ghi 3.200/32.000 câu trả lời…"
    assert row.edit_key == message.edit_key == "export:7"


async def test_in_chat_an_officer_gets_both_files_and_a_village_head_is_refused(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        head, _ = await chat(app, "+84902000001", clock)
        await answer_everything(app, head, "+84902000001", make_photo(tmp_path, "ảnh họp thôn.jpg"))
        refused = "\n".join(await head.send("/xuat data:DEMO-SH-X1"))
        assert "không dành cho vai trò" in refused
        officer, _ = await chat(app, "+84901000001", clock)
        assert NOT_IN_SCOPE.text in "\n".join(await officer.send("/xuat data:DEMO-SH-X2"))
        lines = await officer.send("/xuat data:DEMO-SH-X1")
        files = [
            Path(line.split("📎 Tệp đính kèm: ", 1)[1].strip())
            for line in lines
            if "📎 Tệp đính kèm: " in line
        ]
        assert sorted(path.suffix for path in files) == [".csv", ".xlsx"]
        [table] = [path for path in files if path.suffix == ".csv"]
        rows = list(csv.DictReader(io.StringIO(table.read_bytes().decode("utf-8-sig"))))
        answered = [row for row in rows if row["Mã đơn vị"] == "DEMO-SH-X1-T1"]
        assert answered and {row["Người trả lời"] for row in answered} == {"Nguyễn Văn An"}
        assert any(row["Mã câu hỏi"] == "citizens" and float(row["Giá trị"]) == 1000 for row in answered)
        [workbook] = [path for path in files if path.suffix == ".xlsx"]
        sheet = openpyxl.load_workbook(workbook)[LONG_SHEET]
        assert sheet.max_row == len(rows) + 1


async def test_while_the_job_runs_the_ticker_edits_the_count(monkeypatch: pytest.MonkeyPatch) -> None:
    database = MemoryDatabase()
    people = await _province(database)
    job = _district_export_job(people, 9)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0.001)
    progress = RowProgress()
    progress.total = 10
    ticker = asyncio.create_task(
        jobs._report_progress(lambda: MemoryUnitOfWork(database), job, progress, lambda: NOW)
    )
    try:
        await asyncio.sleep(0.02)
        assert database.tables.outbox == {}  # nothing written yet: nothing to tell
        for done in (4, 10):
            progress.advance(done - progress.done)
            for _ in range(100):
                await asyncio.sleep(0.005)
                texts = [
                    outbound_from_json(row.payload or {}).text for row in database.tables.outbox.values()
                ]
                if texts and f"{done}/10" in texts[-1]:
                    break
            assert len(texts) == 1 and f"đã ghi {done}/10 câu trả lời" in texts[0]
    finally:
        await jobs._stop(ticker)
    assert ticker.done()
