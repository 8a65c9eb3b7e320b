"""The council (TT25 Điều 9.2.b–đ, issue 15 item 4): Phòng GD&ĐT sets up a council of an odd number of at least
five members from the roster; a checked dossier goes to it for written opinions, criterion by criterion; the
secretary follows who has answered, the bot reminds those who have not; when all have answered the product drafts
the appraisal report and the draft decision (or the letter with the reasons it failed). On the console, on SQLite
and on PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.bot.composition import App
from cdht.bot.console.channel import ConsoleChannel
from cdht.config import Settings
from cdht.handlers.ports import DossierDocument, DossierRecord, SelfAssessmentMeeting
from cdht.handlers.procedure import opinion_reminders
from cdht.handlers.procedure.council import parse_members, size_problem
from cdht.handlers.procedure.outcome import accepted
from cdht.scoring.report import assessment_to_json
from tests.fakes.clock import FakeClock
from tests.reports.fixtures import level_1_commune
from tests.support import YEAR, chat, console_clock, open_demo_app

DISTRICT = "+84900000002"  # Lê Văn Huyện, district admin of DEMO-SH, no department: Phòng GD&ĐT
OFFICER_X1 = "+84901000001"
X1 = "DEMO-SH-X1"
MEMBERS = [f"+8490300000{i}" for i in range(1, 8)]  # district people of several departments
DEPARTMENTS = ["phong_gddt", "phong_vhtt", "ldtbxh", "hoi_khuyen_hoc", "mttq", "trung_tam_vhtt", "phong_vhtt"]
LOCAL = [f"090300000{i}" for i in range(1, 8)]  # the same phones as typed in chat
FIVE = f"{LOCAL[0]} chủ tịch\n{LOCAL[1]} thư ký\n{LOCAL[2]} ủy viên\n{LOCAL[3]} uỷ viên\n{LOCAL[4]}"


@pytest.fixture
async def app(
    request: pytest.FixtureRequest, tmp_path: Path, database_url_and_engine: tuple[str, AsyncEngine]
) -> AsyncIterator[App]:
    url, _engine = database_url_and_engine
    schema = None if url.startswith("sqlite") else request.getfixturevalue("postgres_schema")
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        assessment_year=YEAR,
        database_url=url,
        database_schema=schema,
        _env_file=None,
    )
    async with open_demo_app(settings) as application:
        clock = console_clock()
        async with application.uow() as uow:
            district = await uow.units.by_code("DEMO-SH")
            assert district is not None
            for index, (phone, department) in enumerate(zip(MEMBERS, DEPARTMENTS, strict=True)):
                person = await uow.people.add(
                    f"Thành viên {index + 1}", phone, "district_admin", district.id, clock()
                )
                await uow.people.set_department(person.id, department)
            await uow.commit()
        yield application


async def _checked_dossier(app: App, clock: FakeClock) -> DossierRecord:
    """A commune's dossier as Phòng GD&ĐT checked it: its frozen assessment reaches level 1."""
    async with app.uow() as uow:
        unit, district = await uow.units.by_code(X1), await uow.units.by_code("DEMO-SH")
        officer = await uow.people.by_phone(OFFICER_X1)
        assert unit and district and officer
        sha256 = app.files.put_bytes(b"to trinh")
        dossier = await uow.dossiers.add(
            unit_id=unit.id,
            year=YEAR,
            level=1,
            receiver_unit_id=district.id,
            meeting=SelfAssessmentMeeting(date(YEAR, 11, 15), "Chủ tịch UBND xã", "Hội Khuyến học xã", 1),
            snapshot={
                "assessment": {**assessment_to_json(level_1_commune(X1)), "unit_name": unit.name},
                "evidence": [],
            },
            documents=(DossierDocument("request_letter", "Tờ trình đề nghị công nhận", sha256),),
            content_hash="0" * 64,
            sent_by=officer.id,
            now=clock(),
        )
        await uow.dossiers.set_stage(dossier.id, "checked", clock())
        await uow.commit()
    return dossier


async def _get(app: App, dossier_id: int) -> DossierRecord:
    async with app.uow() as uow:
        found = await uow.dossiers.get(dossier_id)
    assert found is not None
    return found


def _text(lines: list[str]) -> str:
    return "\n".join(lines)


async def _people(app: App, clock: FakeClock) -> list[ConsoleChannel]:
    return [(await chat(app, phone, clock))[0] for phone in MEMBERS]


def test_the_size_rule_is_the_circulars() -> None:
    roles = [role for _, role in parse_members(FIVE)]
    assert roles == ["chair", "secretary", "member", "member", "member"]
    assert size_problem(roles) is None
    assert "tối thiểu 05" in (size_problem(roles[:4]) or "")
    assert "số lẻ" in (size_problem([*roles, "member"]) or "")
    assert "chưa có chủ tịch" in (size_problem(["secretary", *["member"] * 4]) or "")
    assert "đúng một thư ký" in (size_problem(["chair", "secretary", "secretary", "member", "member"]) or "")
    assert accepted(3, 2) and not accepted(2, 3)


async def test_setting_up_the_council(app: App) -> None:
    clock = console_clock()
    district, _ = await chat(app, DISTRICT, clock)
    members = await _people(app, clock)
    officer, _ = await chat(app, OFFICER_X1, clock)

    shown = _text(await district.send("/hoidong"))
    assert "Chưa lập Hội đồng" in shown and "chủ tịch" in shown
    four = _text(await district.send("\n".join(FIVE.splitlines()[:4])))
    assert "tối thiểu 05" in four and "Điều 9" in four
    six = _text(await district.send(f"{FIVE}\n{LOCAL[5]} ủy viên"))
    assert "số lẻ" in six and "Điều 9" in six
    no_chair = _text(await district.send(FIVE.replace("chủ tịch", "ủy viên")))
    assert "chưa có chủ tịch" in no_chair
    outsider = _text(await district.send(FIVE.replace(LOCAL[4], "0901000002")))  # a commune officer
    assert "không thuộc đơn vị" in outsider
    unknown = _text(await district.send(FIVE.replace(LOCAL[4], "0987654321")))
    assert "Không tìm thấy số 0987654321" in unknown
    assert "Vai trò «phó chủ tịch» chưa rõ" in _text(
        await district.send(FIVE.replace("thư ký", "phó chủ tịch"))
    )
    async with app.uow() as uow:
        district_unit = await uow.units.by_code("DEMO-SH")
        assert district_unit is not None
        assert await uow.councils.for_body(district_unit.id, YEAR) is None  # nothing saved while refused

    saved = _text(await district.send(FIVE))
    assert (
        "✅ Đã lập Hội đồng" in saved
        and "Thành viên 1: chủ tịch" in saved
        and "Thành viên 2: thư ký" in saved
    )
    assert "được cử làm chủ tịch Hội đồng" in _text(await members[0].notices())
    async with app.uow() as uow:
        council = await uow.councils.for_body(district_unit.id, YEAR)
        assert council is not None and len(council.members) == 5
        audit = await uow.audit.for_units([district_unit.id], YEAR)
    assert [entry.action for entry in audit].count("council") == 1

    # another department's person, and a commune officer, may not set it up
    assert "chỉ Phòng Giáo dục và Đào tạo" in _text(await members[1].send("/hoidong"))
    assert "không dành cho vai trò" in _text(await officer.send("/hoidong"))
    assert "Thành viên 1: chủ tịch" in _text(await district.send("/hoidong"))  # shown again


async def _opinions(member: ConsoleChannel, dossier: int, lines: list[str]) -> str:
    replies = [_text(await member.send(f"/yk {dossier}"))]
    for line in lines:
        replies.append(_text(await member.send(line)))
    return "\n".join(replies)


async def test_written_opinions_then_the_draft_decision(app: App) -> None:
    clock = console_clock()
    district, _ = await chat(app, DISTRICT, clock)
    members = await _people(app, clock)
    outsider = members[5]
    assert "✅" in _text(await district.send(f"/hoidong {FIVE}"))
    dossier = await _checked_dossier(app, clock)

    # before it is sent, members see nothing of it
    assert "không thuộc Hội đồng" in _text(await members[2].send(f"/yk {dossier.id}"))
    waiting = _text(await district.send("/ykien"))
    assert f"Hồ sơ #{dossier.id}" in waiting and "chờ gửi Hội đồng" in waiting
    assert "Không tìm thấy hồ sơ" in _text(await members[1].send(f"/hd_gui {dossier.id}"))  # not the office
    sent = _text(await district.send(f"/hd_gui {dossier.id}"))
    assert "✅ Đã gửi hồ sơ" in sent and "5 thành viên" in sent
    assert (await _get(app, dossier.id)).stage == "with_council"
    assert "đang lấy ý kiến" in _text(await district.send(f"/hoidong {FIVE}"))  # not replaced mid-way
    asked = _text(await members[0].notices())
    assert "Xã An Bình" in asked and "mức độ 1" in asked and "Tiêu chí 1" in asked and "✅ đạt" in asked
    assert "Hồ sơ" not in _text(await outsider.notices())

    # a member outside the council sees nothing, answers nothing, opens no document
    for command in (f"/yk {dossier.id}", f"/yk_chon {dossier.id}:1:1", f"/hd_tailieu {dossier.id}"):
        assert "không thuộc Hội đồng" in _text(await outsider.send(command))
    assert "Hiện không có hồ sơ" in _text(await outsider.send("/ykien"))
    files = await members[2].send(f"/hd_tailieu {dossier.id}")
    assert any("Tờ trình đề nghị công nhận" in line for line in files)

    assert "Chưa có ý kiến Hội đồng" in _text(await district.send(f"/xuat hoidong:{X1}"))

    # the chair answers with buttons, then changes one opinion
    chair = members[0]
    first = _text(await chair.send(f"/yk {dossier.id}"))
    assert "tiêu chí 1/5" in first and "Đồng ý" in first
    assert "Xin gõ ý kiến" in _text(await chair.send(f"/yk_chon {dossier.id}:1:0"))
    assert "xin ghi rõ lý do" in _text(await chair.send("-"))
    assert "tiêu chí 2/5" in _text(await chair.send("Chưa đủ minh chứng"))
    for criterion in ("2", "3", "4", "5"):
        await chair.send(f"/yk_chon {dossier.id}:{criterion}:1")
        await chair.send("-")
    assert "Xin gõ ý kiến" in _text(await chair.send(f"/yk_chon {dossier.id}:1:1"))
    assert "đủ các tiêu chí" in _text(await chair.send("Đã xem lại, đạt"))
    async with app.uow() as uow:
        mine = [o for o in await uow.opinions.for_dossier(dossier.id) if o.comment == "Đã xem lại, đạt"]
        assert len(mine) == 1 and mine[0].agrees  # replaced, not added

    # the secretary sees who has answered; the others are reminded once a day
    status = _text(await members[1].send("/ykien"))
    assert "✅ Thành viên 1 (chủ tịch): 5/5" in status and "⏳ Thành viên 3 (ủy viên): 0/5" in status
    assert "Thành viên 3 (ủy viên)" not in _text(await members[2].send("/ykien"))  # a member: only their own
    async with app.uow() as uow:
        assert await opinion_reminders.remind(uow, clock(), YEAR, clock().date()) == 4
        await uow.commit()
    async with app.uow() as uow:
        assert await opinion_reminders.remind(uow, clock(), YEAR, clock().date()) == 0  # once a day
        await uow.commit()
    assert "Nhắc việc Hội đồng" in _text(await members[2].notices())
    assert "Nhắc việc Hội đồng" not in _text(await chair.notices())

    # the others answer by typing; the last answer concludes
    for member in members[1:4]:
        await _opinions(member, dossier.id, ["đồng ý: đạt"] * 5)
    assert (await _get(app, dossier.id)).stage == "with_council"
    last = await _opinions(members[4], dossier.id, ["không đồng ý: thiếu số liệu", *["đồng ý"] * 4])
    assert "Hội đồng đã kết luận" in last
    done = await _get(app, dossier.id)
    assert done.stage == "passed" and [d.kind for d in done.outcome_documents] == [
        "appraisal_report",
        "draft_decision",
    ]
    report = _docx_text(app.files.read_bytes(done.outcome_documents[0].sha256))
    assert "BÁO CÁO THẨM ĐỊNH" in report and "lấy ý kiến bằng văn bản" in report
    assert "Thành viên 1: Chủ tịch Hội đồng" in report and "không quy định cách biểu quyết" in report
    decision = _docx_text(app.files.read_bytes(done.outcome_documents[1].sha256))
    assert "QUYẾT ĐỊNH" in decision and "Công nhận xã An Bình" in decision and "mức độ 1" in decision
    told = await district.notices()
    assert any("ĐẠT mức độ 1" in line and "/congnhan" in line for line in told)
    assert "đã kết luận" in _text(await members[4].send(f"/yk {dossier.id}"))

    # the signed decision is recorded as today, linked to its dossier
    await district.send("/congnhan")
    recorded = _text(
        await district.send(f"{X1}; 1; 45/QĐ-GDĐT; 25/03/{YEAR + 1}; {YEAR}; Phòng GD&ĐT Sơn Hà")
    )
    assert "✅ Đã ghi quyết định" in recorded and f"hồ sơ đề nghị công nhận #{dossier.id}" in recorded
    async with app.uow() as uow:
        entries = await uow.audit.for_units([dossier.unit_id], YEAR)
    actions = [entry.action for entry in entries]
    assert actions.count("council_opinion") == 5 * 5 + 1 and "dossier_to_council" in actions
    assert "council_outcome" in actions
    assert any(e.action == "recognition" and f"hồ sơ #{dossier.id}" in str(e.new_value) for e in entries)

    # the opinions and the appraisal report are in the unit's export
    exported = _text(await district.send(f"/xuat hoidong:{X1}"))
    assert "Ý kiến Hội đồng — Xã An Bình" in exported and "Báo cáo thẩm định — Xã An Bình" in exported
    assert "Dự thảo Quyết định công nhận — Xã An Bình" in exported


async def test_a_majority_against_a_criterion_fails_the_dossier(app: App) -> None:
    clock = console_clock()
    district, _ = await chat(app, DISTRICT, clock)
    members = await _people(app, clock)
    await district.send(f"/hoidong {FIVE}")
    dossier = await _checked_dossier(app, clock)
    await district.send(f"/hd_gui {dossier.id}")
    against = ["đồng ý", "không đồng ý: thư viện chưa hoạt động", "đồng ý", "đồng ý", "đồng ý"]
    for member in members[:3]:
        await _opinions(member, dossier.id, against)
    for member in members[3:5]:
        await _opinions(member, dossier.id, ["đồng ý"] * 5)
    done = await _get(app, dossier.id)
    assert done.stage == "failed" and done.reasons and "Tiêu chí 2" in done.reasons
    assert [d.kind for d in done.outcome_documents] == ["appraisal_report", "refusal_letter"]
    letter = _docx_text(app.files.read_bytes(done.outcome_documents[1].sha256))
    assert "Lý do không đạt" in letter and "thư viện chưa hoạt động" in letter and "3/5" in letter
    assert "chưa đáp ứng đủ điều kiện" in _docx_text(app.files.read_bytes(done.outcome_documents[0].sha256))
    told = _text(await district.notices())
    assert "CHƯA ĐẠT" in told
    assert "CHƯA ĐẠT" in _text(await members[1].notices())  # the secretary gets the outcome too
    assert "CHƯA ĐẠT" not in _text(await members[2].notices())


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)
