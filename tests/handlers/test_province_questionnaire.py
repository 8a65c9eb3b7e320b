"""The province answers its own indicators in chat (Điều 16–17), its Sở each their part.

PQ1 a province admin (no department: Sở GD&ĐT's) answers the whole province questionnaire, both halves of
    3.5 included; the facts reach the province's UnitFacts under the scoring's keys with their evidence, and
    /tiendo of the province shows its own indicators passed
PQ2 a Sở's people get only the indicators their Sở owns (Báo và Phát thanh, Truyền hình tỉnh: 3.5, both
    halves), are reminded of only those, and /tiendo lists what each Sở still owes; a Sở of the province is
    refused for a district admin, and a district's Phòng for a province admin
PQ3 the province questionnaire asks every fact the province's criteria read (4.1 is computed), gives each
    evidence-carrying fact its evidence question, its owners match the packaged departments list, and
    `cdht import-answers` takes every province fact key
PQ4 the departments list per tier is checked on load: a lead per tier, a tier's indicators only for its
    departments
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cdht.bot.composition import App
from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.handlers.admin.items import item_catalog
from cdht.handlers.admin.roster import RosterError
from cdht.handlers.departments import question_indicators, question_owners
from cdht.handlers.facts_loader import load_unit_facts
from cdht.handlers.ports import YearRecord
from cdht.scoring.criteria_set import criteria_set_for_tier
from cdht.scoring.departments import (
    DepartmentsError,
    packaged_departments,
    parse_departments,
)
from cdht.scoring.evaluate import evaluate
from cdht.scoring.facts import UnitFacts
from cdht.scoring.results import Status
from tests.support import (
    YEAR,
    answer_everything,
    chat,
    console_clock,
    demo_app,
    import_roster_text,
    make_photo,
)

PROVINCE_LEAD = "+84900000001"  # Quản trị Tỉnh Demo, in the demo roster with no department: Sở GD&ĐT
BROADCASTER = "+84900000021"
AGRICULTURE = "+84900000022"
NOW = datetime(2025, 11, 2, tzinfo=UTC)
PROVINCE_ROSTER = (
    "Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên,Cấp,Họ và tên,Số điện thoại,Vai trò,Phòng ban\n"
    "DEMO,Tỉnh Demo (dữ liệu mẫu),,tỉnh,Lò Văn Đài,0900000021,quản trị tỉnh,bao_ptth\n"
    "DEMO,Tỉnh Demo (dữ liệu mẫu),,tỉnh,Mai Thị Nông,0900000022,quản trị tỉnh,Sở Nông nghiệp và Môi trường\n"
)
FIGURES = {  # what the province types where the defaults would not pass
    "p3_4": "5",
    "p3_5": "6",
    "poverty_rate": "3,2%",
    "poverty_rate_previous": "4,1%",
    "grdp": "125.430,5",
    "grdp_previous": "117.980",
}


pytestmark = pytest.mark.usefixtures("packaged_departments_list")


async def with_roster(app: App, tmp_path: Path, roster: str = PROVINCE_ROSTER) -> None:
    await import_roster_text(app, tmp_path, roster, NOW)


async def province_facts(app: App) -> UnitFacts:
    async with app.uow() as uow:
        province = await uow.units.by_code("DEMO")
        assert province is not None
        return await load_unit_facts(uow, province, YEAR)


async def test_the_province_answers_its_own_indicators_pq1(tmp_path: Path) -> None:
    photo = make_photo(tmp_path)
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        lead, opening = await chat(app, PROVINCE_LEAD, clock)
        transcript = await answer_everything(
            app, lead, PROVINCE_LEAD, photo, FIGURES, questionnaire_id="province"
        )
        facts = await province_facts(app)
        progress = "\n".join(await lead.send("/tiendo"))
    assert "1.1. Trong năm đánh giá, tỉnh có thực hiện tốt công tác tuyên truyền" in opening[-1]
    text = "\n".join(transcript)
    assert "triển khai bao nhiêu chương trình giáo dục trên kênh phát thanh, truyền hình" in text
    assert "tham gia xây dựng nguồn tài nguyên số dùng chung, nguồn học liệu mở trên mạng" in text
    flags = [
        "1.1",
        "1.2",
        "1.3",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
        "3.1",
        "3.2",
        "3.3",
        "3.5_shared_resources",
    ]
    for key in flags:
        assert facts.facts[key].value is True, key
    assert (facts.facts["3.4"].value, facts.facts["3.5"].value) == (5, 6)
    assert (facts.facts["poverty_rate"].value, facts.facts["poverty_rate_previous"].value) == (3.2, 4.1)
    assert (facts.facts["grdp"].value, facts.facts["grdp_previous"].value) == (125430.5, 117980)
    carriers = [*flags, "3.4", "3.5", "poverty_rate", "grdp"]
    assert {key: facts.facts[key].evidence_count for key in carriers} == dict.fromkeys(carriers, 1)
    assert facts.facts["poverty_rate_previous"].evidence_count == 0
    level_1 = evaluate(facts).levels["1"]
    statuses = {i.id: i.status for criterion in level_1.criteria for i in criterion.indicators}
    assert {key for key, status in statuses.items() if status is not Status.PASS} == {"4.1"}
    assert "TC3" in progress and "3.4 ✅ 3.5 ✅" in progress
    assert "4.2 ✅ 4.3 ✅" in progress


async def test_each_department_of_the_province_gets_only_its_part_pq2(tmp_path: Path) -> None:
    photo = make_photo(tmp_path)
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        await with_roster(app, tmp_path)
        async with app.uow() as uow:  # the province's own date, so that today's reminders are due
            province = await uow.units.by_code("DEMO")
            assert province is not None
            await uow.years.save(YearRecord(province.id, YEAR, "open", deadline=date(2026, 1, 31)), NOW)
            await uow.commit()
        broadcaster, opening = await chat(app, BROADCASTER, clock)
        _, farming = await chat(app, AGRICULTURE, clock)
        lead, _ = await chat(app, PROVINCE_LEAD, clock)
        before = await reminders_on(app, date(2026, 1, 11))
        progress = "\n".join(await lead.send("/tiendo"))
        part = await answer_everything(
            app, broadcaster, BROADCASTER, photo, FIGURES, questionnaire_id="province"
        )
        facts = await province_facts(app)
        after = await reminders_on(app, date(2026, 1, 13))
    assert opening[0].startswith(
        "Xin chào Lò Văn Đài (quản trị cấp tỉnh, Báo và Phát thanh, Truyền hình tỉnh"
    )
    assert "3.5. Trong năm đánh giá, Đài phát thanh, truyền hình tỉnh" in opening[-1]
    assert "4.2. Tỷ lệ hộ nghèo theo chuẩn nghèo đa chiều" in farming[-1]
    asked = "\n".join(part)
    assert "nguồn học liệu mở" in asked and "1.1." not in asked and "4.2." not in asked
    assert set(facts.facts) & criteria_set_for_tier("province").fact_keys() == {"3.5", "3.5_shared_resources"}
    assert facts.facts["3.5"].evidence_count == facts.facts["3.5_shared_resources"].evidence_count == 1
    assert "Báo và Phát thanh, Truyền hình tỉnh" in before[BROADCASTER]
    assert "còn 2 câu chưa trả lời: 3.5 Chương trình giáo dục" in before[BROADCASTER]
    assert "Tỷ lệ hộ nghèo" in before[AGRICULTURE] and "3.5" not in before[AGRICULTURE]
    assert "Sở Nông nghiệp và Môi trường" in before[AGRICULTURE]
    assert "Sở" not in before[PROVINCE_LEAD].split(":")[0]  # the lead answers everything, under no Sở
    assert BROADCASTER not in after and AGRICULTURE in after and PROVINCE_LEAD in after
    assert "Theo phòng ban phụ trách:" in progress
    assert "• Báo và Phát thanh, Truyền hình tỉnh: 3.5 ⏳ (còn 1 chỉ tiêu chưa xong)" in progress
    assert "• Sở Văn hóa, Thể thao và Du lịch: 3.3 ⏳ 3.4 ⏳" in progress
    assert "• Sở Giáo dục và Đào tạo: 1.1 ⏳" in progress and "Phòng" not in progress


async def reminders_on(app: App, day: date) -> dict[str, str]:
    from cdht.handlers.officer import reminders

    async with app.uow() as uow:
        planned = await reminders.plan(uow, YEAR, day, reminders.ReminderPolicy())
    return {r.person.phone: r.text for r in planned if r.kind == "answers"}


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "DEMO-SH,Huyện Sơn Hà (dữ liệu mẫu),DEMO,huyện,Trần Văn Sở,0900000031,quản trị huyện,so_gddt\n",
            "Dòng 2: phòng ban 'so_gddt' không thuộc cấp huyện (dùng phong_gddt, phong_vhtt,",
        ),
        (
            "DEMO,Tỉnh Demo (dữ liệu mẫu),,tỉnh,Trần Văn Phòng,0900000032,quản trị tỉnh,Phòng Văn hóa và Thông tin\n",
            "Dòng 2: phòng ban 'Phòng Văn hóa và Thông tin' không thuộc cấp tỉnh (dùng hoi_khuyen_hoc, mttq, so_gddt,",
        ),
    ],
    ids=["province_department_at_a_district", "district_department_at_the_province"],
)
async def test_a_department_of_another_tier_is_refused_pq2(tmp_path: Path, row: str, problem: str) -> None:
    async with demo_app(tmp_path) as app:
        with pytest.raises(RosterError) as error:
            await with_roster(app, tmp_path, PROVINCE_ROSTER.splitlines(keepends=True)[0] + row)
    assert any(line.startswith(problem) for line in error.value.problems), error.value.problems


def test_the_questionnaire_asks_what_the_criteria_read_pq3() -> None:
    province = builtin_questionnaires()["province"]
    criteria = criteria_set_for_tier("province")
    asked = {q.fact: q for q in province.questions if q.fact}
    assert criteria.fact_keys() <= set(asked)
    unasked = [i.id for i in criteria.indicators if not i.rule.fact_keys() & set(asked)]
    assert unasked == ["4.1"]  # computed from the districts' recognition decisions
    backed = {province.question(q.evidence_for).fact for q in province.questions if q.evidence_for}
    for indicator in criteria.indicators:
        if indicator.evidence.required:
            assert set(indicator.rule.evidence_facts()) <= backed, indicator.id
    assert {"3.5", "3.5_shared_resources"} <= backed
    indicators = question_indicators(province, "province")
    assert indicators["p3_5_shared_resources"] == indicators["p3_5_shared_resources_evidence"] == "3.5"
    owners = question_owners(province, "province", packaged_departments())
    assert owners == {question.id: question.owner for question in province.questions}
    assert set(province.owners) <= {d.code for d in packaged_departments().at("province")}
    catalog = item_catalog(builtin_questionnaires().values())["province"]
    names = {indicator.id: indicator.name for indicator in criteria.indicators}
    for fact, question in asked.items():  # a yes/no question asks the whole indicator, in its words
        if question.type == "yes_no" and fact in names:
            assert without_co(names[fact]) in without_co(question.label), fact
    programmes, shared = names["3.5"].split(" và tham gia ")  # Điều 16.3.đ: both halves, one question each
    for phrase in (
        "xây dựng các chủ đề, nội dung học liệu",
        "kênh phát thanh, truyền hình, các ứng dụng truyền hình",
    ):
        assert phrase in programmes and phrase in asked["3.5"].label
    assert "tối thiểu 04 chương trình" in asked["3.5"].help
    assert without_co("tham gia " + shared) in without_co(asked["3.5_shared_resources"].label)
    assert criteria.fact_keys() <= set(catalog)
    assert catalog["3.5_shared_resources"].question_id == "p3_5_shared_resources"


def without_co(text: str) -> str:
    """Lower case, single spaces, no «có»: a question («Tỉnh có ban hành …?») against the circular's clause."""
    return " ".join(word for word in text.casefold().split() if word != "có")


def test_the_departments_list_is_checked_per_tier_pq4() -> None:
    both = packaged_departments()
    assert (both.lead_of("district"), both.lead_of("province")) == ("phong_gddt", "so_gddt")
    assert both.owner_of("province", "3.5") == "bao_ptth" and both.owner_of("district", "3.2") == "phong_vhtt"
    assert both.is_lead("so_gddt") and both.is_lead(None) and not both.is_lead("bao_ptth")
    head = "departments:\n  - {code: gd, name: GD, tiers: [district]}\n  - {code: so, name: Sở, tiers: [province]}\n"
    assert parse_departments("lead: {district: gd, province: so}\n" + head).lead_of("province") == "so"
    with pytest.raises(DepartmentsError, match="lead of each tier"):
        parse_departments("lead: {district: gd}\n" + head)
    with pytest.raises(DepartmentsError, match="province lead 'gd' is not a department of the province tier"):
        parse_departments("lead: gd\n" + head)
    with pytest.raises(DepartmentsError, match="owns province indicators"):
        parse_departments(
            "lead: {district: gd, province: so}\n" + head + "  - {code: vh, name: VH, tiers: [district], "
            "indicators: {province: ['3.3']}}\n"
        )
