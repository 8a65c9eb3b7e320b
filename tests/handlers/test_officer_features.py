"""Officers and admins in chat, through the console channel (the same path as every channel)."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import docx
import openpyxl
import pytest
from PIL import Image

from cdht.handlers.facts_loader import load_unit_facts
from cdht.handlers.scores import score_unit
from cdht.scoring import Fact, Status
from cdht.scoring.report import assessment_to_json
from tests.support import YEAR, answer_everything, chat, console_clock, demo_app, make_photo

HEAD_T1 = "+84902000001"
HEAD_T2 = "+84902000002"
OFFICER_X1 = "+84901000001"
OFFICER_X2 = "+84901000002"
DISTRICT = "+84900000002"


def attachments(lines: list[str]) -> list[Path]:
    return [
        Path(line.split("📎 Tệp đính kèm: ", 1)[1].strip()) for line in lines if "📎 Tệp đính kèm: " in line
    ]


async def test_progress_text_and_charts_match_the_scoring(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        head, _ = await chat(app, HEAD_T1, clock)
        await answer_everything(app, head, HEAD_T1, make_photo(tmp_path))
        officer, _ = await chat(app, OFFICER_X1, clock)
        lines = await officer.send("/tiendo")
        text = "\n".join(lines)
        assert "Tiến độ năm 2025 — Xã An Bình" in text
        assert "Thôn Đông — ✅ đã hoàn thành, chờ duyệt (Nguyễn Văn An)" in text
        assert "Thôn Tây — ⏺ chưa bắt đầu (Trần Thị Bình)" in text
        assert "Mục tiêu: 4 · Đã xong: 1" in text
        async with app.uow() as uow:
            report = assessment_to_json(await score_unit(uow, "DEMO-SH-X1", YEAR))
        marks = {"pass": "✅", "fail": "❌", "missing": "⏳", "no_evidence": "📎"}
        for criterion in report["levels"]["1"]["criteria"]:
            for indicator in criterion["indicators"]:
                assert f"{indicator['id']} {marks[indicator['status']]}" in text
        assert "chưa đạt mức độ 1" in text
        charts = attachments(lines)
        assert len(charts) == 2
        for chart in charts:
            with Image.open(chart) as picture:
                assert picture.format == "PNG" and picture.width > 300


async def test_return_reopens_only_that_answer_and_the_audit_log_keeps_it(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        officer, _ = await chat(app, OFFICER_X1, clock)
        head, _ = await chat(app, HEAD_T1, clock)
        await answer_everything(app, head, HEAD_T1, make_photo(tmp_path))
        assert any("đã gửi số liệu" in line for line in await officer.notices())
        listing = "\n".join(await officer.send("/duyet DEMO-SH-X1-T1"))
        assert "2. Số công dân: 1.000 người" in listing
        assert "Gõ số thứ tự" in (await officer.send("/tralai DEMO-SH-X1-T1"))[0]
        assert "⚠️" in (await officer.send("99: sai"))[0]
        done = await officer.send("2: chưa khớp sổ hộ khẩu")
        assert "Đã trả lại Thôn Đông" in done[0]
        told = "\n".join(await head.notices())
        assert "chưa khớp sổ hộ khẩu" in told and "Số công dân" in told
        async with app.uow() as uow:
            village = await uow.units.by_code("DEMO-SH-X1-T1")
            assert village is not None
            latest = await uow.answers.latest(village.id, YEAR)
            assert latest["citizens"].value is None and latest["households"].value == 250
            review = await uow.years.get(village.id, YEAR)
            assert (
                review is not None
                and review.status == "returned"
                and review.returned_questions == ("citizens",)
            )
        await head.send("1.100")
        async with app.uow() as uow:
            assert (await uow.answers.latest(village.id, YEAR))["citizens"].value == 1100
            review = await uow.years.get(village.id, YEAR)
            assert review is not None and review.status == "submitted"
            entries = await uow.audit.for_units([village.id], YEAR)
        reopened = [e for e in entries if e.action == "reopen"]
        assert [(e.question_id, e.old_value, e.reason) for e in reopened] == [
            ("citizens", 1000, "chưa khớp sổ hộ khẩu")
        ]
        fixed = [e for e in entries if e.action == "answer" and e.question_id == "citizens"][-1]
        assert (fixed.old_value, fixed.new_value, fixed.reason) == (None, 1100, "chưa khớp sổ hộ khẩu")
        assert any("đã gửi số liệu" in line for line in await officer.notices())
        assert "Đã duyệt" in (await officer.send("/duyet_ok DEMO-SH-X1-T1"))[0]
        assert any("đã được xã duyệt" in line for line in await head.notices())
        district, _ = await chat(app, DISTRICT, clock)
        audit = "\n".join(await district.send("/nhatky DEMO-SH-X1"))
        assert "mở lại để sửa «Số công dân»: 1000 → —" in audit
        [sheet] = attachments(audit.splitlines())
        rows = list(openpyxl.load_workbook(sheet).active.iter_rows(values_only=True))  # type: ignore[union-attr]
        assert any(row[4] == "Số công dân" and row[7] == "chưa khớp sổ hộ khẩu" for row in rows)


async def test_exports_match_the_score_and_carry_the_figures(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        head, _ = await chat(app, HEAD_T1, clock)
        await answer_everything(app, head, HEAD_T1, make_photo(tmp_path))
        officer, _ = await chat(app, OFFICER_X1, clock)
        menu = "\n".join(await officer.send("/baocao"))
        assert "Bảng tổng hợp" in menu and "Báo cáo kết quả đánh giá, công nhận" not in menu
        [workbook] = attachments(await officer.send("/xuat xlsx:DEMO-SH-X1"))
        async with app.uow() as uow:
            report = assessment_to_json(await score_unit(uow, "DEMO-SH-X1", YEAR))
        cells = [
            str(c)
            for row in openpyxl.load_workbook(workbook).worksheets[0].iter_rows(values_only=True)
            for c in row
            if c
        ]
        for criterion in report["levels"]["1"]["criteria"]:
            for indicator in criterion["indicators"]:
                assert indicator["id"] in cells
        [letter] = attachments(await officer.send("/xuat totrinh:DEMO-SH-X1"))
        [self_report] = attachments(await officer.send("/xuat baocao:DEMO-SH-X1"))
        for document in (letter, self_report):
            text = "\n".join(p.text for p in docx.Document(str(document)).paragraphs)
            text += "\n".join(
                c.text for t in docx.Document(str(document)).tables for r in t.rows for c in r.cells
            )
            assert "An Bình" in text and "2025" in text
        assert "850" in text or "85,0" in text
        [archive] = attachments(await officer.send("/xuat zip:DEMO-SH-X1"))
        with zipfile.ZipFile(archive) as bundle:
            names = bundle.namelist()
        assert names  # the index at least; village photos are evidence of the village, not the commune


async def test_broadcast_reaches_each_chosen_person_once(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        heads = [await chat(app, f"+8490200000{n}", clock) for n in (1, 2, 3)]
        await answer_everything(app, heads[0][0], "+84902000001", make_photo(tmp_path))
        district, _ = await chat(app, DISTRICT, clock)
        assert "Soạn thông báo" in (await district.send("/thongbao"))[0]
        assert "Gửi cho ai" in (await district.send("Họp giao ban thứ Hai lúc 8 giờ"))[0]
        assert "đơn vị nào" in (await district.send("/tb role:village_head"))[0]
        assert "chưa trả lời xong" in "\n".join(await district.send("/tb unit:DEMO-SH"))
        preview = "\n".join(await district.send("/tb unf:1"))
        assert "Sẽ gửi tới 2 người" in preview  # two registered heads have not finished
        progress = "\n".join(await district.send("/tb send:"))
        assert "Đang gửi thông báo" in progress and "đã gửi 0/2" in progress
        got = ["\n".join(await channel.notices()) for channel, _ in heads]
        assert ["Họp giao ban" in text for text in got] == [False, True, True]
        assert ["Họp giao ban" in "\n".join(await channel.notices()) for channel, _ in heads] == [
            False,
            False,
            False,
        ]
        async with app.uow() as uow:
            from cdht.handlers.officer import broadcast

            await broadcast.progress_tick(uow, clock())
            await uow.commit()
        assert "Đã gửi xong thông báo #1: đã gửi 2/2" in "\n".join(await district.notices())


async def test_reminders_respect_quiet_hours_and_name_what_is_missing(tmp_path: Path) -> None:
    from cdht.handlers.officer import reminders

    clock = console_clock()
    async with demo_app(tmp_path) as app:
        done, _ = await chat(app, HEAD_T1, clock)
        await answer_everything(app, done, HEAD_T1, make_photo(tmp_path))
        waiting, _ = await chat(app, HEAD_T2, clock)
        await waiting.send("120")
        policy = reminders.ReminderPolicy()
        late = datetime(2026, 1, 10, 15, 0, tzinfo=UTC)  # 22:00 in Hà Nội, 21 days before the deadline
        morning = datetime(2026, 1, 11, 0, 0, tzinfo=UTC)  # 07:00
        assert (await reminders.tick(app.uow, late, YEAR, policy)).quiet
        run = await reminders.tick(app.uow, morning, YEAR, policy)
        again = await reminders.tick(app.uow, morning, YEAR, policy)
        sent = [(r.person.phone, r.reachable) for r in run.planned if r.kind == "answers"]
        assert (HEAD_T2, True) in sent and all(phone != HEAD_T1 for phone, _ in sent)
        assert run.queued == sum(1 for r in run.planned if r.reachable) and again.queued == 0
        clock.now = morning.replace(hour=1)  # the reminders were staggered a little after 07:00
        text = "\n".join(await waiting.notices())
        assert "Nhắc việc" in text and "Số công dân" in text and "31/01/2026" in text
        assert not any("Nhắc việc" in line for line in await done.notices())


async def test_the_scheduler_plans_reminders_once_a_local_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdht.handlers.officer import reminders
    from cdht.pipeline.background import scheduler_tick

    plans: list[object] = []
    real_plan = reminders.plan

    async def counted(*args: object, **kwargs: object) -> list[reminders.PlannedReminder]:
        plans.append(args)
        return await real_plan(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reminders, "plan", counted)
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        waiting, _ = await chat(app, HEAD_T2, clock)
        await waiting.send("120")
        policy, services = reminders.ReminderPolicy(), app.services(None)  # type: ignore[arg-type]
        late = datetime(2026, 1, 10, 15, 0, tzinfo=UTC)  # 22:00 in Hà Nội: quiet, nothing planned
        assert await scheduler_tick(app.uow, services, policy, late) is None and not plans
        morning = datetime(2026, 1, 11, 0, 0, tzinfo=UTC)
        day = await scheduler_tick(app.uow, services, policy, morning)
        assert day == date(2026, 1, 11) and len(plans) == 1
        for minutes in (1, 30, 600):  # every later tick of the same day: no new plan
            tick = morning + timedelta(minutes=minutes)
            assert await scheduler_tick(app.uow, services, policy, tick, day) == day
        assert len(plans) == 1
        tomorrow = morning + timedelta(days=1)
        assert await scheduler_tick(app.uow, services, policy, tomorrow, day) == date(2026, 1, 12)
        assert len(plans) == 2


async def test_the_difficult_area_decision_backs_the_lower_5_2_thresholds(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        officer, _ = await chat(app, OFFICER_X1, clock)
        numbers = {"difficult_area": "có", "enter_totals": "có", "trained_citizens": "450"}
        numbers["university_citizens"] = "110"
        await answer_everything(app, officer, OFFICER_X1, make_photo(tmp_path), numbers, "commune_officer")
        async with app.uow() as uow:
            commune = await uow.units.by_code("DEMO-SH-X1")
            assert commune is not None
            facts = (await load_unit_facts(uow, commune, YEAR)).facts
            assessment = await score_unit(uow, "DEMO-SH-X1", YEAR)
    assert facts["difficult_area"] == Fact(True, 1)
    result = assessment.indicator("5.2", 1)  # 45% trained, 11% graduates: only the lower thresholds are met
    assert result.status is Status.PASS
    assert "áp dụng ngưỡng xã thuộc vùng khó khăn" in result.explanation


async def test_recognitions_and_difficulties(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        district, _ = await chat(app, DISTRICT, clock)
        await district.send("/congnhan")
        assert "⚠️" in (await district.send("DEMO-SH-X1; 3; 1; hôm qua; 2024"))[0]
        reply = (await district.send("DEMO-SH-X1; 1; 12/QĐ-UBND; 20/03/2025; 2024; UBND huyện Sơn Hà"))[0]
        assert "được bảo lưu đến hết năm 2027" in reply and "mức độ 2 từ ngày 20/03/2026" in reply
        async with app.uow() as uow:
            report = assessment_to_json(await score_unit(uow, "DEMO-SH", YEAR))
        [share] = [i for c in report["levels"]["1"]["criteria"] for i in c["indicators"] if i["id"] == "4.1"]
        assert "1/3" in share["explanation"] or "33,3" in share["explanation"]
        head, _ = await chat(app, HEAD_T1, clock)
        await head.send("/vuongmac")
        assert (
            "Đã gửi vướng mắc #1" in (await head.send("Người đi làm ăn xa có tính vào số công dân không?"))[0]
        )
        inbox = "\n".join(await district.notices())
        assert "Vướng mắc #1" in inbox and "đi làm ăn xa" in inbox
        await district.send("/vm_traloi 1")
        await district.send("Có, nếu còn đăng ký thường trú tại thôn.")
        assert any("còn đăng ký thường trú" in line for line in await head.notices())
        assert "chờ trả lời" not in "\n".join(await district.send("/vuongmac"))


ROLE_TRIES = {
    HEAD_T1: [
        "/tiendo",
        "/duyet",
        "/baocao",
        "/thongbao",
        "/congnhan",
        "/nhatky",
        "/xuat xlsx:DEMO-SH-X1",
        "/tb send:",
        "/duyet_ok DEMO-SH-X1-T1",
        "/tralai DEMO-SH-X1-T1",
        "/bieudo",
        "/vm_traloi 1",
    ],
    OFFICER_X1: ["/thongbao", "/congnhan", "/nhatky", "/tb send:"],
    DISTRICT: ["/duyet", "/duyet_ok DEMO-SH-X1-T1", "/tralai DEMO-SH-X1-T1"],
}
OUT_OF_SCOPE = {
    OFFICER_X1: [
        "/tiendo DEMO-SH-X2",
        "/duyet DEMO-SH-X2-T1",
        "/xuat xlsx:DEMO-SH-X2",
        "/bieudo DEMO-SH",
        "/baocao DEMO",
    ],
    DISTRICT: ["/tiendo DEMO", "/xuat xlsx:DEMO", "/nhatky DEMO"],
}


async def test_every_role_is_refused_what_it_may_not_do(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        for phone, tries in ROLE_TRIES.items():
            channel, _ = await chat(app, phone, clock)
            for line in tries:
                replies = await channel.send(line)
                assert replies and "không dành cho vai trò" in replies[0], (phone, line, replies)
        for phone, tries in OUT_OF_SCOPE.items():
            channel, _ = await chat(app, phone, clock)
            for line in tries:
                replies = await channel.send(line)
                assert replies and "không có quyền xem đơn vị này" in replies[0], (phone, line, replies)
        async with app.uow() as uow:
            assert await uow.jobs.claim_next() is None
            assert json.dumps(await uow.broadcasts.active()) == "[]"


async def test_an_officer_relinks_a_person_who_changed_account_with_an_invite_code(tmp_path: Path) -> None:
    from cdht.bot.console.channel import ConsoleChannel, LocalFileFetcher
    from cdht.handlers.ports import PersonRecord

    clock = console_clock()
    async with demo_app(tmp_path) as app:
        officer, _ = await chat(app, OFFICER_X1, clock)
        head, _ = await chat(app, HEAD_T1, clock)
        assert "không dành cho vai trò" in (await head.send("/moi 0902000002"))[0]
        assert "không thuộc đơn vị" in (await officer.send("/moi 0902000005"))[0]  # a village of Xã Hòa Lạc
        reply = (await officer.send("/moi 0902000001"))[0]
        code = reply.split("Mã mời cho Nguyễn Văn An: ", 1)[1].split(" ", 1)[0]
        new_phone = PersonRecord(id=0, name="máy mới", phone="+84999000111", role="village_head", unit_id=0)
        services = app.services(LocalFileFetcher())
        new_account = ConsoleChannel(app, services, new_phone, clock=clock)
        welcome = await new_account.send(f"/start {code}")
        assert "Xin chào Nguyễn Văn An" in welcome[0]
        third = PersonRecord(id=0, name="máy khác", phone="+84999000222", role="village_head", unit_id=0)
        reused = await ConsoleChannel(app, services, third, clock=clock).send(f"/start {code}")
        assert "Mã mời không đúng" in reused[0]  # one use only
        async with app.uow() as uow:
            person = await uow.people.by_phone(HEAD_T1)
            assert person is not None
            assert [i.external_id for i in await uow.people.identities(person.id)] == ["console:+84999000111"]


async def test_a_districts_progress_comes_from_the_jobs_runner_so_nobody_waits_behind_it(
    tmp_path: Path,
) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        head, _ = await chat(app, HEAD_T1, clock)
        await answer_everything(app, head, HEAD_T1, make_photo(tmp_path))
        district, _ = await chat(app, DISTRICT, clock)
        lines = await district.send("/tiendo")
        text = "\n".join(lines)
        assert lines[0].startswith("⏳ Đang tổng hợp tiến độ của Huyện Sơn Hà")  # the reply, at once
        assert "Tiến độ năm 2025 — Huyện Sơn Hà" in text  # then the job's result
        assert "• Xã An Bình (dữ liệu mẫu): chưa đạt mức độ 1 · thôn xong 1/4" in text
        assert text.index("Đang tổng hợp") < text.index("Tiến độ năm 2025")
        assert len(attachments(lines)) == 2  # and its charts
