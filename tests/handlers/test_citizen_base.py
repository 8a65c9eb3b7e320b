"""Issue 16, gap 4: the citizen base is declared once, by the commune, and what villages count is what the
commune's figure claims. On the console, on the demo district.

CB1 a village of a commune that counts citizens aged 15 and over is asked for them («từ 15 tuổi trở lên»,
    not «kể cả trẻ em») and its answer records that base; a village of a commune that declared nothing is
    asked for everyone and records `all`
CB2 a commune changing its base after a village answered: the village's figure is reopened, its head told in
    the new wording, the village goes back to «trả lại», the officer is told; 5.1 does not sum the old figure;
    counted again, the village records the new base, the review lists it by its wording, and 5.1 is labelled
    with the base it is on
CB3 a base imported for the commune (`cdht import-answers`) is carried down the same way, and the heads of
    villages whose figures were imported are told; a village counted on another base is reported by 5.1 by
    name, never summed
"""

from __future__ import annotations

from pathlib import Path

from cdht.bot.composition import App
from cdht.handlers.admin.answers_import import import_answers
from cdht.handlers.facts_loader import load_unit_facts
from cdht.handlers.ports import NewAnswer
from cdht.handlers.scores import score_unit
from cdht.scoring import Status
from tests.conftest import NOW
from tests.support import YEAR, answer_everything, chat, console_clock, demo_app, make_photo

HEAD_T1 = "+84902000001"  # Thôn Đông, Xã An Bình (DEMO-SH-X1)
HEAD_X2_T1 = "+84902000005"  # Thôn Một, Xã Hòa Lạc (DEMO-SH-X2)
OFFICER_X1 = "+84901000001"
CHILDREN = "kể cả trẻ em"
AGED_15 = "từ 15 tuổi trở lên"
OFFICER_ANSWERS = {"citizen_base": "2", "enter_totals": "không"}  # 2: «Công dân từ 15 tuổi trở lên»


async def village_answers(app: App, code: str) -> dict[str, object]:
    async with app.uow() as uow:
        unit = await uow.units.by_code(code)
        assert unit is not None
        return {qid: answer.value for qid, answer in (await uow.answers.latest(unit.id, YEAR)).items()}


async def village_fact(app: App, commune: str, village: str, fact: str) -> object:
    async with app.uow() as uow:
        unit = await uow.units.by_code(commune)
        assert unit is not None
        facts = await load_unit_facts(uow, unit, YEAR)
    [found] = [child for child in facts.children if child.unit_code == village]
    answer = found.facts.get(fact)
    return None if answer is None else answer.value


async def test_villages_are_asked_for_the_citizens_their_commune_counts_cb1(tmp_path: Path) -> None:
    clock = console_clock()
    photo = make_photo(tmp_path)
    async with demo_app(tmp_path) as app:
        officer, _ = await chat(app, OFFICER_X1, clock)
        told = await answer_everything(app, officer, OFFICER_X1, photo, OFFICER_ANSWERS, "commune_officer")
        assert not any("Đã báo" in line for line in told)  # no village had answered
        head, _ = await chat(app, HEAD_T1, clock)
        asked = "\n".join(await head.send("250"))
        assert AGED_15 in asked and CHILDREN not in asked
        await head.send("980")
        assert (await village_answers(app, "DEMO-SH-X1-T1"))["citizens"] == 980
        assert await village_fact(app, "DEMO-SH-X1", "DEMO-SH-X1-T1", "citizen_base") == "age15plus"

        other, _ = await chat(app, HEAD_X2_T1, clock)  # Xã Hòa Lạc declared nothing: everyone
        asked = "\n".join(await other.send("250"))
        assert CHILDREN in asked and AGED_15 not in asked
        await other.send("1.000")
        assert await village_fact(app, "DEMO-SH-X2", "DEMO-SH-X2-T1", "citizen_base") == "all"


async def test_a_commune_changing_its_base_sends_villages_back_to_count_again_cb2(tmp_path: Path) -> None:
    clock = console_clock()
    photo = make_photo(tmp_path)
    async with demo_app(tmp_path) as app:
        head, _ = await chat(app, HEAD_T1, clock)
        await answer_everything(app, head, HEAD_T1, photo)  # 1.000 citizens, everyone «kể cả trẻ em»
        assert await village_fact(app, "DEMO-SH-X1", "DEMO-SH-X1-T1", "citizen_base") == "all"
        officer, _ = await chat(app, OFFICER_X1, clock)
        await officer.notices()
        told = "\n".join(
            await answer_everything(app, officer, OFFICER_X1, photo, OFFICER_ANSWERS, "commune_officer")
        )
        assert "Cách tính số công dân của xã: «công dân từ 15 tuổi trở lên»" in told
        assert "Đã báo 1 thôn đếm lại theo cách tính này: Thôn Đông" in told

        notice = "\n".join(await head.notices())
        assert "xin đếm lại" in notice and AGED_15 in notice and CHILDREN not in notice
        answers = await village_answers(app, "DEMO-SH-X1-T1")
        assert answers["citizens"] is None and answers["households"] == 250
        async with app.uow() as uow:
            village = await uow.units.by_code("DEMO-SH-X1-T1")
            assert village is not None
            review = await uow.years.get(village.id, YEAR)
            assert review is not None and review.status == "returned"
            assert review.returned_questions == ("citizens",)
            result = (await score_unit(uow, "DEMO-SH-X1", YEAR)).indicator("5.1", 1)
        assert result.status is Status.MISSING and "Thôn Đông" in result.explanation

        await head.send("980")
        answers = await village_answers(app, "DEMO-SH-X1-T1")
        assert answers["citizens"] == 980 and answers["citizen_base"] == "age15plus"
        listing = "\n".join(await officer.send("/duyet DEMO-SH-X1-T1"))
        assert "Số công dân từ 15 tuổi trở lên: 980 người" in listing
        async with app.uow() as uow:
            review = await uow.years.get(village.id, YEAR)
            assert review is not None and review.status == "submitted"
            for code in ("DEMO-SH-X1-T2", "DEMO-SH-X1-T3", "DEMO-SH-X1-T4"):  # the others count the same way
                unit = await uow.units.by_code(code)
                assert unit is not None
                await uow.answers.add(
                    NewAnswer(unit.id, YEAR, "citizens", 1000, NOW, "import", fact="citizens")
                )
                for question, value in (("learning_citizens", 850), ("trained_citizens", 620)):
                    await uow.answers.add(
                        NewAnswer(unit.id, YEAR, question, value, NOW, "import", fact=question)
                    )
                await uow.answers.add(
                    NewAnswer(
                        unit.id, YEAR, "university_citizens", 160, NOW, "import", fact="university_citizens"
                    )
                )
                await uow.answers.add(
                    NewAnswer(unit.id, YEAR, "citizen_base", "age15plus", NOW, "import", fact="citizen_base")
                )
            await uow.commit()
        async with app.uow() as uow:
            result = (await score_unit(uow, "DEMO-SH-X1", YEAR)).indicator("5.1", 1)
        assert result.status is not Status.MISSING, result.explanation
        assert "tổng hợp từ 4 thôn; cơ sở tính: công dân từ 15 tuổi trở lên" in result.explanation


async def test_an_imported_base_is_carried_down_and_a_mismatch_is_named_cb3(tmp_path: Path) -> None:
    clock = console_clock()
    photo = make_photo(tmp_path)
    async with demo_app(tmp_path) as app:
        head, _ = await chat(app, HEAD_X2_T1, clock)
        await answer_everything(app, head, HEAD_X2_T1, photo)  # counted everyone
        rows = "unit_code,year,item,value\n"
        for number in (2, 3):  # imported figures: no base recorded, i.e. everyone
            for item, value in (("citizens", 500), ("learning_citizens", 400), ("trained_citizens", 300)):
                rows += f"DEMO-SH-X2-T{number},{YEAR},{item},{value}\n"
            rows += f"DEMO-SH-X2-T{number},{YEAR},university_citizens,80\n"
        rows += f"DEMO-SH-X2,{YEAR},citizen_base,Công dân có đăng ký cư trú tại xã\n"
        path = tmp_path / "answers.csv"
        path.write_text(rows, encoding="utf-8")
        async with app.uow() as uow:
            report = await import_answers(path, uow, app.files, NOW)
        assert report.recounting == ["Thôn Một", "Thôn Hai", "Thôn Ba"]
        assert "Thôn được báo đếm lại số công dân" in report.summary()
        notice = "\n".join(await head.notices())
        assert "đăng ký cư trú" in notice and "xin đếm lại" in notice
        assert (await village_answers(app, "DEMO-SH-X2-T1"))["citizens"] is None
        async with app.uow() as uow:
            result = (await score_unit(uow, "DEMO-SH-X2", YEAR)).indicator("5.1", 1)
        assert result.status is Status.MISSING
        assert (
            "2 thôn đếm số công dân theo cách khác với cách tính của xã (toàn bộ công dân: Thôn Hai, Thôn Ba)"
            in (result.explanation)
        )
        assert "cần đếm lại theo cách tính của xã: công dân có đăng ký cư trú tại xã" in result.explanation
        assert "còn 1/3 thôn chưa báo cáo (Thôn Một)" in result.explanation

        # Their figures recounted on the commune's base, imported with the base they are on: summed again.
        rows = "unit_code,year,item,value\n" + "".join(
            f"DEMO-SH-X2-T{number},{YEAR},citizen_base,registered\n" for number in (2, 3)
        )
        path.write_text(rows, encoding="utf-8")
        async with app.uow() as uow:
            report = await import_answers(path, uow, app.files, NOW)
        assert report.recounting == []  # no base imported for the commune this time: nobody is told
        async with app.uow() as uow:
            result = (await score_unit(uow, "DEMO-SH-X2", YEAR)).indicator("5.1", 1)
        assert result.status is Status.MISSING and "cần đếm lại" not in result.explanation
        assert "tạm tính (tổng hợp từ 2 thôn)" in result.explanation
