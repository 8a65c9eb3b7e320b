"""Issue 15 end to end on the console, with the real scores (nothing replaced): every village head of Xã An Bình
answers, the commune officer answers the commune's own questions (criteria 1–4 with evidence), approves the
villages, records the self-assessment meeting and sends the dossier (TT25 Điều 9.1); Phòng GD&ĐT of the district
checks it, sets up a five-member council, which gives written opinions criterion by criterion (Điều 9.2); the
appraisal report and the draft decision are real DOCX files; the signed decision is recorded and linked to the
dossier. On SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.bot.composition import App
from cdht.bot.console.channel import ConsoleChannel
from cdht.cli.common import DEMO_ROSTER
from cdht.config import Settings
from cdht.handlers.admin.roster import import_roster
from cdht.handlers.ports import DossierRecord
from tests.support import YEAR, answer_everything, chat, console_clock, make_photo, open_demo_app

pytestmark = pytest.mark.slow

X1 = "DEMO-SH-X1"
OFFICER_X1 = "+84901000001"
DISTRICT = "+84900000002"  # Lê Văn Huyện, district admin of DEMO-SH, no department: Phòng GD&ĐT
HEADS = {  # the four villages of Xã An Bình
    "DEMO-SH-X1-T1": "+84902000001",
    "DEMO-SH-X1-T2": "+84902000002",
    "DEMO-SH-X1-T3": "+84902000003",
    "DEMO-SH-X1-T4": "+84902000004",
}
COUNCIL = [  # district people added to the roster: the demo roster has only one
    ("Trần Văn Chủ Tịch", "0903000001"),
    ("Lê Thị Thư Ký", "0903000002"),
    ("Phạm Văn Ủy Viên", "0903000003"),
    ("Ngô Thị Ủy Viên", "0903000004"),
    ("Đỗ Văn Ủy Viên", "0903000005"),
]
ROLES = ["chủ tịch", "thư ký", "ủy viên", "ủy viên", "ủy viên"]
MEETING = (
    "15/11/2025",
    "Ông Phan Văn Chủ, Chủ tịch UBND xã",
    "Hội Khuyến học xã; Ủy ban MTTQ Việt Nam xã",
    "1",
)
COMMUNE_ANSWERS = {  # the commune officer's own questions; criteria 1–4 are "có" / "mức 2" with a photo each
    "difficult_area": "không",
    "enter_totals": "không",  # 5.1, 5.2: the sum of what the villages sent
}


@pytest.fixture
async def app(
    request: pytest.FixtureRequest, tmp_path: Path, database_url_and_engine: tuple[str, AsyncEngine]
) -> AsyncIterator[App]:
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
        roster = tmp_path / "roster.csv"
        extra = [
            f"DEMO-SH,Huyện Sơn Hà (dữ liệu mẫu),DEMO,district,{name},{phone},district_admin"
            for name, phone in COUNCIL
        ]
        roster.write_text(
            DEMO_ROSTER.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(extra) + "\n"
        )
        async with application.uow() as uow:
            await import_roster(roster, uow, datetime(2025, 11, 2, tzinfo=UTC))
            await uow.commit()
        yield application


def _text(lines: list[str]) -> str:
    return "\n".join(lines)


def _docx_text(content: bytes) -> str:
    """The document's title (its properties), paragraphs and table cells."""
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([document.core_properties.title] + [p.text for p in document.paragraphs] + cells)


async def _latest(app: App) -> DossierRecord:
    async with app.uow() as uow:
        unit = await uow.units.by_code(X1)
        assert unit is not None
        dossier = await uow.dossiers.latest(unit.id, YEAR)
    assert dossier is not None
    return dossier


async def _progress(district: ConsoleChannel) -> str:
    return _text(await district.send("/tiendo"))


async def test_from_the_villages_answers_to_the_recorded_decision(app: App, tmp_path: Path) -> None:
    clock = console_clock()
    photo = make_photo(tmp_path)
    officer, _ = await chat(app, OFFICER_X1, clock)  # the commune questionnaire opens on first contact
    district, _ = await chat(app, DISTRICT, clock)
    members = [(await chat(app, "+84" + phone[1:], clock))[0] for _, phone in COUNCIL]

    # 1. every village head answers (a photo wherever a "yes" asks for evidence); the officer approves each
    for code, phone in HEADS.items():
        head, _ = await chat(app, phone, clock)
        await answer_everything(app, head, phone, photo)
        assert "Đã duyệt" in _text(await officer.send(f"/duyet_ok {code}"))
    assert "Xã An Bình (dữ liệu mẫu): đang trả lời" in await _progress(district)

    # 2. the commune officer answers the commune's own questions; the real scores now reach level 1
    await answer_everything(app, officer, OFFICER_X1, photo, COMMUNE_ANSWERS, "commune_officer")

    # 3. the self-assessment meeting, then the dossier goes to the district
    assert "Cuộc họp ngày nào" in _text(await officer.send("/hop"))
    recorded = ""
    for line in MEETING:
        recorded = _text(await officer.send(line))
    assert "✅ Đã ghi cuộc họp" in recorded
    sent = _text(await officer.send("/guihoso"))
    assert "✅ Đã gửi hồ sơ đề nghị công nhận mức độ 1 năm 2025 đến Huyện Sơn Hà" in sent, sent
    dossier = await _latest(app)
    assert dossier.stage == "sent" and dossier.level == 1
    kinds = {d.kind: app.files.read_bytes(d.sha256) for d in dossier.documents}
    assert set(kinds) == {"request_letter", "self_assessment", "summary_table"}
    letter = _docx_text(kinds["request_letter"])
    assert "Tờ trình".lower() in letter.lower() and "An Bình" in letter and "mức độ 1" in letter
    assert "Kính gửi: Phòng Giáo dục và Đào tạo huyện Sơn Hà" in letter  # the office that receives it
    assert "An Bình" in _docx_text(kinds["self_assessment"])
    assert any("gửi hồ sơ đề nghị công nhận" in line for line in await district.notices())
    assert "Xã An Bình (dữ liệu mẫu): đã gửi hồ sơ" in await _progress(district)

    # 4. Phòng GD&ĐT checks it
    assert f"#{dossier.id} Xã An Bình" in _text(await district.send("/hoso"))
    assert "đủ hồ sơ" in _text(await district.send(f"/hs_ok {dossier.id}"))
    assert any("kiểm tra: đủ hồ sơ" in line for line in await officer.notices())
    assert "Xã An Bình (dữ liệu mẫu): đã kiểm tra" in await _progress(district)

    # 5. a council of five from the roster, and the dossier goes to it
    council = "\n".join(f"{phone} {role}" for (_, phone), role in zip(COUNCIL, ROLES, strict=True))
    made = _text(await district.send(f"/hoidong {council}"))
    assert "✅ Đã lập Hội đồng" in made and "Trần Văn Chủ Tịch: chủ tịch" in made, made
    assert "5 thành viên" in _text(await district.send(f"/hd_gui {dossier.id}"))
    assert "Xã An Bình (dữ liệu mẫu): hội đồng đang thẩm định" in await _progress(district)
    asked = _text(await members[0].notices())
    assert "Xã An Bình" in asked and "mức độ 1" in asked

    # a member opens the dossier: its frozen files, and its evidence as a ZIP made from what was sent
    opened = _text(await members[1].send(f"/hd_tailieu {dossier.id}")) + _text(await members[1].notices())
    assert "to-trinh" in opened and "Đang đóng gói minh chứng" in opened, opened
    [archive] = [word for word in opened.split() if word.endswith("minh-chung.zip")]
    with zipfile.ZipFile(archive) as packed:
        photos = [name for name in packed.namelist() if not name.lower().endswith((".txt", ".csv", ".xlsx"))]
    assert photos and len(photos) == len(dossier.snapshot["evidence"])

    # 6. each member gives a written opinion on each of the five criteria; the last one concludes
    last = ""
    for member in members:
        assert "tiêu chí 1/5" in _text(await member.send(f"/yk {dossier.id}"))
        for criterion in range(1, 6):
            last = _text(await member.send(f"đồng ý: tiêu chí {criterion} đạt, minh chứng đủ"))
    assert "Hội đồng đã kết luận" in last
    done = await _latest(app)
    assert done.id == dossier.id and done.stage == "passed"
    assert any("ĐẠT mức độ 1" in line and "/congnhan" in line for line in await district.notices())
    assert "Xã An Bình (dữ liệu mẫu): đã quyết định (đạt)" in await _progress(district)

    # 7. the appraisal report and the draft decision, as files
    outcome = {d.kind: app.files.read_bytes(d.sha256) for d in done.outcome_documents}
    assert set(outcome) == {"appraisal_report", "draft_decision"}
    report = _docx_text(outcome["appraisal_report"])
    assert "báo cáo thẩm định" in report.lower() and "An Bình" in report and "mức độ 1" in report
    assert "lấy ý kiến bằng văn bản" in report and "Trần Văn Chủ Tịch" in report
    decision = _docx_text(outcome["draft_decision"])
    assert "Quyết định công nhận — Xã An Bình" in decision and "Căn cứ báo cáo thẩm định" in decision
    assert "Điều 1. Công nhận xã An Bình (dữ liệu mẫu) đạt “Cộng đồng học tập” cấp xã mức độ 1" in decision
    assert "mức độ 1" in decision and "2025" in decision
    assert f"tiếp theo năm được công nhận (đến hết năm {YEAR + 3})." in decision  # the default reading
    assert "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" in decision and "PHÒNG PHÒNG" not in decision

    # 8. the signed decision is recorded and linked to its dossier
    await district.send("/congnhan")
    recorded = _text(
        await district.send(f"{X1}; 1; 45/QĐ-GDĐT; 25/03/{YEAR + 1}; {YEAR}; Phòng GD&ĐT Sơn Hà")
    )
    assert "✅ Đã ghi quyết định" in recorded and f"hồ sơ đề nghị công nhận #{dossier.id}" in recorded
    async with app.uow() as uow:
        recognitions = await uow.recognitions.for_units([done.unit_id])
    assert [(r.level, r.decision_number, r.year) for r in recognitions] == [(1, "45/QĐ-GDĐT", YEAR)]

    # the audit trail of the whole way
    async with app.uow() as uow:
        commune = await uow.units.by_code(X1)
        district_unit = await uow.units.by_code("DEMO-SH")
        assert commune is not None and district_unit is not None
        villages = [u.id for u in await uow.units.children(commune.id)]
        village_actions = [e.action for e in await uow.audit.for_units(villages, YEAR)]
        entries = await uow.audit.for_units([commune.id], YEAR)
        district_actions = [e.action for e in await uow.audit.for_units([district_unit.id], YEAR)]
    assert village_actions.count("approve") == 4 and "answer" in village_actions
    actions = [e.action for e in entries]
    for action in (
        "answer",
        "self_assessment_meeting",
        "dossier_sent",
        "dossier_checked",
        "dossier_to_council",
    ):
        assert action in actions, action
    assert actions.count("council_opinion") == 5 * 5 and "council_outcome" in actions
    assert any(e.action == "recognition" and f"hồ sơ #{dossier.id}" in str(e.new_value) for e in entries)
    assert "council" in district_actions
