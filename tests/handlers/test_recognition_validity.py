"""What a person is told of how long a recognition is kept follows the reading chosen in settings
(CDHT_RECOGNITION_VALIDITY, FACTS.md "Recognitions"): in `/congnhan`, in the re-recognition reminder, and the
re-recognition dossier is due on the date of the unit's own tier."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cdht.config import Settings
from cdht.handlers.officer import reminders
from cdht.handlers.ports import RecognitionRecord
from cdht.scoring.facts import RecognitionValidity
from tests.support import YEAR, chat, console_clock, open_demo_app

DISTRICT = "+84900000002"
OFFICER_X1 = "+84901000001"


def settings(tmp_path: Path, reading: RecognitionValidity) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", assessment_year=YEAR, recognition_validity=reading, _env_file=None
    )


@pytest.mark.parametrize(("reading", "kept_through"), [("assessed_year", 2025), ("decision_year", 2026)])
async def test_congnhan_says_how_long_the_recognition_is_kept(
    tmp_path: Path, reading: RecognitionValidity, kept_through: int
) -> None:
    clock = console_clock()
    async with open_demo_app(settings(tmp_path, reading)) as app:
        district, _ = await chat(app, DISTRICT, clock)
        await district.send("/congnhan")
        reply = "\n".join(
            await district.send("DEMO-SH-X1; 1; 7/QĐ-UBND; 20/03/2023; 2022; UBND huyện Sơn Hà")
        )
        assert f"Kết quả công nhận được bảo lưu đến hết năm {kept_through};" in reply
        assert f"hồ sơ đề nghị công nhận lại gửi trước ngày 28/02/{kept_through + 1}" in reply  # Điều 9.1.d


@pytest.mark.parametrize(
    ("reading", "november", "reminded"),
    [
        ("assessed_year", 2025, True),
        ("assessed_year", 2026, False),
        ("decision_year", 2025, False),
        ("decision_year", 2026, True),
    ],
)
async def test_the_re_recognition_reminder_comes_in_the_last_year_kept(
    tmp_path: Path, reading: RecognitionValidity, november: int, reminded: bool
) -> None:
    async with open_demo_app(settings(tmp_path, reading)) as app:
        async with app.uow() as uow:
            commune = await uow.units.by_code("DEMO-SH-X1")
            district = await uow.units.by_code("DEMO-SH")
            assert commune is not None and district is not None
            made = datetime(2023, 4, 1, tzinfo=UTC)
            await uow.recognitions.add(
                RecognitionRecord(commune.id, 2022, 1, "7/QĐ", date(2023, 3, 20), ""), made
            )
            await uow.recognitions.add(
                RecognitionRecord(district.id, 2022, 1, "8/QĐ", date(2023, 6, 1), ""), made
            )
            await uow.commit()
        at = datetime(november, 11, 10, 1, 0, tzinfo=UTC)
        run = await reminders.tick(app.uow, at, YEAR, app.reminder_policy(), dry_run=True)
        said = {r.person.phone: r.text for r in run.planned if r.kind == "recognition"}
        assert (OFFICER_X1 in said) is reminded and (DISTRICT in said) is reminded
        if reminded:
            assert f"được bảo lưu đến hết năm {november}" in said[OFFICER_X1]
            assert (
                f"gửi trước ngày 28/02/{november + 1}" in said[OFFICER_X1]
            )  # a commune's dossier: Điều 9.1.d
            assert f"gửi trước ngày 30/04/{november + 1}" in said[DISTRICT]  # a district's: Điều 14.1.d
