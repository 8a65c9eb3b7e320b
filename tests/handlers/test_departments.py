"""Departments of a district on the console: each answers, is reminded of and sees what it owns.

DE1 two district admins of different departments each get only their department's questions; the one with
    no department (Phòng GD&ĐT) gets the whole questionnaire
DE2 reminders name only the department's questions, and its name; a department that finished its part is
    not reminded while the lead, who has not, still is
DE3 /tiendo of the district shows which department owes which of the district's own indicators
DE4 a village head's vướng mắc goes to Phòng GD&ĐT's people, not to the other departments'
DE0 the packaged departments list and the owners named in district.yaml agree, question by question
DE5 the departments list is data: a file of one's own (CDHT_DEPARTMENTS_FILE) renames a department and moves
    an indicator, and the questions follow; a file that does not fit the criteria stops the start
DE6 the labour office's statistics report reaches the figure it backs: 4.2 with its report passes, 4.3 whose
    report was skipped is «thiếu minh chứng»
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cdht.bot.composition import App
from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.handlers.departments import configure_departments, question_owners
from cdht.handlers.facts_loader import load_unit_facts
from cdht.handlers.scores import score_unit
from cdht.scoring import Status
from cdht.scoring.departments import DepartmentsError, packaged_departments
from tests.support import YEAR, chat, console_clock, demo_app, import_roster_text, make_photo

LEAD = "+84900000002"  # Lê Văn Huyện, in the demo roster with no department: Phòng GD&ĐT
CULTURE = "+84900000012"
LABOUR = "+84900000013"
PROMOTION = "+84900000014"  # Hội Khuyến học: evaluates, owns no indicator
HEAD_T1 = "+84902000001"
ROSTER = (
    "Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên,Cấp,Họ và tên,Số điện thoại,Vai trò,Phòng ban\n"
    "DEMO-SH,Huyện Sơn Hà (dữ liệu mẫu),DEMO,huyện,Trần Văn Hóa,0900000012,quản trị huyện,phong_vhtt\n"
    "DEMO-SH,Huyện Sơn Hà (dữ liệu mẫu),DEMO,huyện,Ngô Lao Động,0900000013,quản trị huyện,ldtbxh\n"
    "DEMO-SH,Huyện Sơn Hà (dữ liệu mẫu),DEMO,huyện,Đỗ Khuyến Học,0900000014,quản trị huyện,Hội Khuyến học\n"
)


pytestmark = pytest.mark.usefixtures("packaged_departments_list")


async def with_departments(app: App, tmp_path: Path, roster: str = ROSTER) -> None:
    await import_roster_text(app, tmp_path, roster, datetime(2025, 11, 2, tzinfo=UTC))


async def reminders_today(app: App) -> dict[str, str]:
    from cdht.handlers.officer import reminders

    async with app.uow() as uow:
        planned = await reminders.plan(
            uow, YEAR, date(2026, 3, 11), reminders.ReminderPolicy()
        )  # the district answers by 31/03
    return {r.person.phone: r.text for r in planned if r.kind == "answers"}


def test_the_packaged_list_matches_the_questionnaires_owners_de0() -> None:
    district = builtin_questionnaires()["district"]
    owners = question_owners(district, "district", packaged_departments())
    assert owners == {question.id: question.owner for question in district.questions}
    assert set(district.owners) <= set(packaged_departments().codes)


async def test_each_department_gets_only_its_questions_de1(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        await with_departments(app, tmp_path)
        _, culture = await chat(app, CULTURE, clock)
        _, labour = await chat(app, LABOUR, clock)
        _, lead = await chat(app, LEAD, clock)
        promotion, _ = await chat(app, PROMOTION, clock)
        nothing = await promotion.send("chào")
    assert culture[0].startswith(
        "Xin chào Trần Văn Hóa (quản trị cấp huyện, Phòng Văn hóa và Thông tin, Huyện"
    )
    assert "Câu 1/2 · 2.4. Các đơn vị cấp huyện" in culture[-1]
    assert "Câu 1/6 · 4.2. Thu nhập bình quân đầu người" in labour[-1]
    assert "1.1. Năm nay huyện có thực hiện tốt công tác tuyên truyền" in lead[-1]
    assert lead[0].startswith("Xin chào Lê Văn Huyện (quản trị cấp huyện, Huyện Sơn Hà")
    assert nothing == [
        "Hội Khuyến học không được giao chỉ tiêu nào cần trả lời trong trò chuyện. "
        "Anh/chị vẫn xem được tiến độ (/tiendo) và gửi vướng mắc (/vuongmac)."
    ]


async def test_reminders_name_only_the_departments_questions_de2(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        await with_departments(app, tmp_path)
        culture, _ = await chat(app, CULTURE, clock)
        texts = await reminders_today(app)
        assert "Phòng Văn hóa và Thông tin" in texts[CULTURE]
        assert "còn 2 câu chưa trả lời: 2.4 Trang bị công cụ số, 3.2 Thư viện huyện." in texts[CULTURE]
        assert "Phòng Lao động - Thương binh và Xã hội" in texts[LABOUR]
        assert "Thu nhập bình quân năm nay" in texts[LABOUR] and "2.4" not in texts[LABOUR]
        assert "Thu nhập" not in texts[CULTURE] and "1.1" not in texts[CULTURE]
        assert "còn 14 câu chưa trả lời" in texts[LEAD] and "Phòng" not in texts[LEAD]
        for line in ("có", "bỏ qua", "có", "bỏ qua", "xong"):  # the culture office finishes its part
            replies = await culture.send(line)
        assert any("Đã gửi" in reply or "hoàn thành" in reply for reply in replies), replies
        texts = await reminders_today(app)
        assert CULTURE not in texts and LABOUR in texts
        assert "còn 12 câu chưa trả lời" in texts[LEAD]  # the lead's own whole questionnaire is still open


async def test_progress_shows_what_each_department_owes_de3(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        await with_departments(app, tmp_path)
        lead, _ = await chat(app, LEAD, clock)
        text = "\n".join(await lead.send("/tiendo"))
    assert "Theo phòng ban phụ trách:" in text
    assert "• Phòng Văn hóa và Thông tin: 2.4 ⏳ 3.2 ⏳ (còn 2 chỉ tiêu chưa xong)" in text
    assert "• Phòng Lao động - Thương binh và Xã hội: 4.2 ⏳ 4.3 ⏳ (còn 2 chỉ tiêu chưa xong)" in text
    assert "• Trung tâm Văn hóa, Thể thao và Truyền thông: 1.1 ⏳ 3.3 ⏳" in text
    assert "• Phòng Giáo dục và Đào tạo: 1.2 ⏳ 1.3 ⏳ 2.1 ⏳ 2.2 ⏳ 2.3 ⏳ 3.1 ⏳ 4.1 ❌" in text


async def test_the_figures_documents_reach_their_indicators_de6(tmp_path: Path) -> None:
    clock = console_clock()
    photo = make_photo(tmp_path, "thong-ke.jpg")
    async with demo_app(tmp_path) as app:
        await with_departments(app, tmp_path)
        labour, _ = await chat(app, LABOUR, clock)
        for line in ("62,5 triệu", "58 triệu", f"/photo {photo}", "xong", "96,2%", "95,8%", "bỏ qua"):
            await labour.send(line)
        async with app.uow() as uow:
            district = await uow.units.by_code("DEMO-SH")
            assert district is not None
            facts = (await load_unit_facts(uow, district, YEAR)).facts
            assessment = await score_unit(uow, "DEMO-SH", YEAR)
    assert facts["income_per_capita"].evidence_count == 1
    assert facts["employment_rate"].evidence_count == 0
    assert assessment.indicator("4.2", 1).status is Status.PASS
    assert assessment.indicator("4.3", 1).status is Status.NO_EVIDENCE


async def test_difficulties_go_to_the_education_office_de4(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        await with_departments(app, tmp_path)
        lead, _ = await chat(app, LEAD, clock)
        culture, _ = await chat(app, CULTURE, clock)
        head, _ = await chat(app, HEAD_T1, clock)
        await head.send("/vuongmac")
        assert "Đã gửi vướng mắc #1" in (await head.send("Thư viện thôn có tính là điểm học tập không?"))[0]
        assert "Vướng mắc #1" in "\n".join(await lead.notices())
        assert "Vướng mắc #1" not in "\n".join(await culture.notices())


async def test_the_departments_list_is_data_de5(tmp_path: Path) -> None:
    own = tmp_path / "phong_ban.yaml"
    own.write_text(
        "lead: phong_gddt\n"
        "departments:\n"
        "  - {code: phong_gddt, name: Phòng Giáo dục và Đào tạo}\n"
        "  - {code: phong_vhtt, name: 'Phòng Văn hóa, Khoa học và Thông tin', indicators: {district: ['3.2']}}\n"
        "  - {code: ldtbxh, name: Phòng Nội vụ, indicators: {district: ['2.4', '4.2', '4.3']}}\n",
        encoding="utf-8",
    )
    clock = console_clock()
    async with demo_app(tmp_path) as app:  # its settings name no file: the packaged list, replaced here
        configure_departments(own)
        await with_departments(app, tmp_path, ROSTER.rsplit("DEMO-SH,", 1)[0])  # no Hội Khuyến học in it
        _, culture = await chat(app, CULTURE, clock)
        _, labour = await chat(app, LABOUR, clock)
        texts = await reminders_today(app)
    assert "Câu 1/1 · 3.2. Thư viện công cộng cấp huyện" in culture[-1]
    assert "Câu 1/7 · 2.4. Các đơn vị cấp huyện" in labour[-1]
    assert "Phòng Nội vụ" in texts[LABOUR]
    broken = tmp_path / "sai.yaml"
    broken.write_text(
        "lead: phong_gddt\ndepartments:\n  - {code: phong_gddt, name: GD, indicators: {district: ['9.9']}}\n",
        encoding="utf-8",
    )
    with pytest.raises(DepartmentsError, match=r"9\.9"):
        configure_departments(broken)
    assert packaged_departments().get("ldtbxh") is not None
