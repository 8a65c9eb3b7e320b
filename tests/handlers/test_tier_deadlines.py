"""Each tier answers by its own date (the circular's dossier dates, a month earlier for the self-assessment):
reminders and /tiendo follow the tier of the person or unit asked, and a unit's own deadline still wins."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cdht.handlers.officer import progress_report, reminders
from cdht.handlers.ports import YearRecord
from cdht.handlers.procedure.rules import answer_deadline, send_deadline
from tests.support import YEAR, chat, console_clock, demo_app

HEAD_T2 = "+84902000002"
OFFICER_X1 = "+84901000001"
DISTRICT = "+84900000002"
PROVINCE = "+84900000001"


def at_eight(day: date) -> datetime:
    """08:00 in Hà Nội: outside the quiet hours."""
    return datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)


async def reminded(app, day: date) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Phone -> the text of the answers reminder each person would get on `day` (nothing is sent)."""
    run = await reminders.tick(app.uow, at_eight(day), YEAR, reminders.ReminderPolicy(), dry_run=True)
    return {r.person.phone: r.text for r in run.planned if r.kind == "answers"}


@pytest.mark.parametrize(
    ("tier", "answers_by", "dossier_by"),
    [
        ("village", date(YEAR + 1, 1, 31), None),
        ("commune", date(YEAR + 1, 1, 31), date(YEAR + 1, 2, 28)),  # Điều 9.1.d
        ("district", date(YEAR + 1, 3, 31), date(YEAR + 1, 4, 30)),  # Điều 14.1.d
        ("province", date(YEAR + 1, 6, 30), date(YEAR + 1, 7, 31)),  # Điều 19.1.d
    ],
)
def test_each_tier_answers_before_its_own_dossier_leaves(
    tier: str, answers_by: date, dossier_by: date | None
) -> None:
    assert answer_deadline(tier, YEAR) == answers_by
    assert send_deadline(tier, YEAR) == dossier_by
    assert progress_report.collection_window(tier, YEAR, None)[1] == answers_by
    own = date(YEAR + 1, 2, 15)  # `cdht deadline` wins whatever the tier
    assert progress_report.collection_window(tier, YEAR, own)[1] == own


async def test_a_district_admin_is_reminded_until_the_districts_date_and_villages_keep_theirs(
    tmp_path: Path,
) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        waiting, _ = await chat(app, HEAD_T2, clock)
        await waiting.send("120")  # a village head half way through
        january = await reminded(app, date(YEAR + 1, 1, 11))
        assert "31/01/2026" in january[HEAD_T2] and DISTRICT not in january  # the villages' date is unchanged
        march = await reminded(app, date(YEAR + 1, 3, 20))
        assert DISTRICT in march and "Hạn 31/03/2026" in march[DISTRICT]
        assert HEAD_T2 not in march  # the villages' window closed in mid-February
        assert DISTRICT in await reminded(app, date(YEAR + 1, 4, 14))  # up to two weeks late: "đã quá hạn"
        assert "Đã quá hạn 31/03/2026" in (await reminded(app, date(YEAR + 1, 4, 14)))[DISTRICT]
        assert DISTRICT not in await reminded(app, date(YEAR + 1, 4, 20))  # after its window: none


async def test_a_units_own_deadline_still_moves_its_reminders(tmp_path: Path) -> None:
    async with demo_app(tmp_path) as app:
        async with app.uow() as uow:
            district = await uow.units.by_code("DEMO-SH")
            assert district is not None
            await uow.years.save(
                YearRecord(district.id, YEAR, "open", deadline=date(YEAR + 1, 2, 20)),
                at_eight(date(2025, 12, 1)),
            )
            await uow.commit()
        assert "Hạn 20/02/2026" in (await reminded(app, date(YEAR + 1, 2, 1)))[DISTRICT]
        assert DISTRICT not in await reminded(app, date(YEAR + 1, 3, 20))


async def test_progress_of_a_district_or_province_shows_its_own_deadline(tmp_path: Path) -> None:
    async with demo_app(tmp_path) as app, app.uow() as uow:
        district = await uow.units.by_code("DEMO-SH")
        province = await uow.units.by_code("DEMO")
        commune = await uow.units.by_code("DEMO-SH-X1")
        assert district is not None and province is not None and commune is not None
        today = date(YEAR + 1, 3, 1)
        shown = (await progress_report.area_progress(uow, district, YEAR, today)).text
        assert (
            "Hạn nộp số liệu của Huyện Sơn Hà (dữ liệu mẫu): 31/03/2026 "
            "(gửi hồ sơ đề nghị công nhận trước ngày 30/04/2026)" in shown
        )
        # its communes' count is measured against the communes' own date, and says which
        assert "Dự kiến đến hôm nay: 3 → ⚠️ chậm tiến độ (xã đã đủ số liệu các thôn, hạn 31/01/2026)" in shown
        shown = (await progress_report.area_progress(uow, province, YEAR, today)).text
        assert "Hạn nộp số liệu của Tỉnh Demo (dữ liệu mẫu): 30/06/2026" in shown
        assert "trước ngày 31/07/2026" in shown
        shown = (await progress_report.commune_progress(uow, commune, YEAR, today)).text
        assert "(hạn 31/01/2026)" in shown
        await uow.years.save(
            YearRecord(district.id, YEAR, "open", deadline=date(YEAR + 1, 3, 15)), at_eight(today)
        )
        shown = (await progress_report.area_progress(uow, district, YEAR, today)).text
        assert "Hạn nộp số liệu của Huyện Sơn Hà (dữ liệu mẫu): 15/03/2026" in shown


async def test_a_district_admin_asking_tiendo_in_chat_sees_the_districts_date(tmp_path: Path) -> None:
    clock = console_clock()
    async with demo_app(tmp_path) as app:
        district, _ = await chat(app, DISTRICT, clock)
        text = "\n".join(await district.send("/tiendo"))
        assert "Hạn nộp số liệu của Huyện Sơn Hà (dữ liệu mẫu): 31/03/2026" in text
        province, _ = await chat(app, PROVINCE, clock)
        text = "\n".join(await province.send("/tiendo"))
        assert "Hạn nộp số liệu của Tỉnh Demo (dữ liệu mẫu): 30/06/2026" in text
