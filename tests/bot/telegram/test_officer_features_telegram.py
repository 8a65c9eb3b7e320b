"""Officer features through the fake Bot API: progress with charts, and a rate-limited broadcast that
survives a restart and reaches each person exactly once."""

from __future__ import annotations

import dataclasses
import io
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from cdht.handlers.admin.answers_import import import_answers
from cdht.handlers.admin.roster import import_roster
from cdht.handlers.scores import score_unit
from cdht.scoring.report import assessment_to_json
from tests.bot.harness import FAST
from tests.bot.telegram.harness import TelegramBotUnderTest, register, settings_for
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.support import YEAR, open_demo_app

OFFICER = (7101, "Thu", "0901000001")  # Phan Thị Thu, cán bộ xã An Bình (DEMO-SH-X1)
NOW = datetime(2025, 11, 20, tzinfo=UTC)
ANSWERS = """unit_code,year,item,value,evidence
DEMO-SH-X1,2025,1.1,có,proof.jpg
DEMO-SH-X1,2025,1.2,có,
DEMO-SH-X1,2025,4.2,mức 3,proof.jpg
DEMO-SH-X1-T1,2025,citizens,1.000,
DEMO-SH-X1-T1,2025,learning_citizens,850,
"""
MARKS = {"pass": "✅", "fail": "❌", "missing": "⏳", "no_evidence": "📎"}


async def test_progress_text_and_charts_match_the_scoring(tmp_path: Path) -> None:
    api = FakeTelegramAPI()
    await api.start()
    try:
        async with open_demo_app(settings_for(tmp_path / "data", api)) as app:
            (tmp_path / "proof.jpg").write_bytes(b"\xff\xd8\xff proof")
            (tmp_path / "answers.csv").write_text(ANSWERS, encoding="utf-8")
            async with app.uow() as uow:
                await import_answers(tmp_path / "answers.csv", uow, app.files, NOW)
            bot = TelegramBotUnderTest(app, api)
            await bot.start()
            try:
                officer = await register(bot, OFFICER)
                await bot.send(officer.text("/tiendo"))
                await api.wait_until(lambda: len(api.calls_to("sendPhoto", officer.id)) == 2, seconds=15)
                await bot.settle()
            finally:
                await bot.stop()
            async with app.uow() as uow:
                report = assessment_to_json(await score_unit(uow, "DEMO-SH-X1", YEAR))
    finally:
        await api.close()
    [progress] = [t for t in api.texts(officer.id) if t.startswith("📊 Tiến độ năm 2025")]
    for criterion in report["levels"]["1"]["criteria"]:
        for indicator in criterion["indicators"]:
            assert f"{indicator['id']} {MARKS[indicator['status']]}" in progress
    assert "1.2 📎" in progress and "1.1 ✅" in progress and "4.2 ✅" in progress
    for call in api.calls_to("sendPhoto", officer.id):
        [content] = call.files.values()
        with Image.open(io.BytesIO(content)) as picture:
            assert picture.format == "PNG"


def _roster(heads: int) -> str:
    lines = [
        "unit_code,unit_name,parent_code,tier,person_name,phone,role",
        "P,Tỉnh Thử,,province,,,",
        "D,Huyện Thử,P,district,Quản Trị Huyện,0900000009,district_admin",
        "C,Xã Thử,D,commune,,,",
    ]
    lines += [f"C-{n},Thôn {n},C,village,Trưởng thôn {n},0903{n:06d},village_head" for n in range(heads)]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
async def test_broadcast_to_300_under_30_per_second_once_each_across_a_restart(tmp_path: Path) -> None:
    api = FakeTelegramAPI()
    await api.start()
    heads = 300
    try:
        settings = settings_for(
            tmp_path / "data", api, rate_global_per_second=30.0, rate_per_chat_per_second=1.0
        )
        async with open_demo_app(settings) as app:
            (tmp_path / "roster.csv").write_text(_roster(heads), encoding="utf-8")
            async with app.uow() as uow:
                await import_roster(tmp_path / "roster.csv", uow, NOW)
            async with app.uow() as uow:
                for n in range(heads):
                    person = await uow.people.by_phone(f"+84903{n:06d}")
                    assert person is not None
                    await uow.people.link_identity(
                        person.id, "telegram", str(20_000 + n), str(20_000 + n), NOW
                    )
                await uow.commit()
            bot = TelegramBotUnderTest(app, api, timing=dataclasses.replace(FAST, tick_seconds=0.3))
            await bot.start()
            try:
                admin = await register(bot, (7201, "Huyện", "0900000009"))
                await bot.send(admin.text("/thongbao"))
                await bot.send(admin.text("Họp giao ban thứ Hai lúc 8 giờ"))
                await bot.send(admin.tap("Trưởng thôn"))
                await bot.send(admin.tap("🏛 Huyện Thử"))
                await bot.send(admin.tap("Tất cả"))
                assert any("Sẽ gửi tới 300 người" in t for t in api.texts(admin.id))
                api.fail_next("sendMessage", 429, retry_after=1)
                await admin_tap_send(bot, admin)
                recipients = {str(20_000 + n) for n in range(heads)}
                await api.wait_until(lambda: _delivered(api, recipients) >= 100, seconds=30)
                await bot.restart()
                await api.wait_until(lambda: _delivered(api, recipients) >= heads, seconds=60)
                await api.wait_until(
                    lambda: any(
                        "Đã gửi xong thông báo" in t and "300/300" in t for t in _shown(api, admin.id)
                    ),
                    seconds=15,
                )
            finally:
                await bot.stop()
    finally:
        await api.close()
    sends = [
        c for c in api.calls if c.method == "sendMessage" and c.chat_id in recipients and c.status == 200
    ]
    per_chat = Counter(c.chat_id for c in sends)
    assert set(per_chat) == recipients and set(per_chat.values()) == {1}
    assert any(c.status == 429 for c in api.calls if c.method == "sendMessage")
    times = sorted(c.at for c in sends)
    # Arrival times jitter on a loaded machine, so some bunching is allowed; an unlimited sender would put
    # hundreds of messages into one second.
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 40, f"{busiest} messages in one second under a 30/s limit"
    assert times[-1] - times[0] >= (heads - 40) / 30.0


async def admin_tap_send(bot: TelegramBotUnderTest, admin: object) -> None:
    # Do not wait for the whole broadcast to settle: only for the tap to be stored and handled.
    update = await bot.api.push(admin.tap("✅ Gửi"))  # type: ignore[attr-defined]
    await bot.api.wait_until(lambda: bot.api.pending_updates == 0, seconds=10)
    assert update


def _delivered(api: FakeTelegramAPI, recipients: set[str]) -> int:
    return len(
        {
            c.chat_id
            for c in api.calls
            if c.method == "sendMessage" and c.status == 200 and c.chat_id in recipients
        }
    )


def _shown(api: FakeTelegramAPI, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in api.chat_messages(chat_id)]
