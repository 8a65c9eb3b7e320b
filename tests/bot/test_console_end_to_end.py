"""The console channel end to end: a village head answers the whole questionnaire by typing, then the
commune's score reflects the answers. Goes through the inbox -> handler -> outbox path like any channel."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cdht.bot.composition import App
from cdht.bot.console.repl import make_channel, open_conversation
from cdht.conversations.definition.loader import builtin_questionnaires
from tests import support

VILLAGE_HEAD_PHONE = "+84902000001"  # Nguyễn Văn An, Thôn Đông, Xã An Bình (demo)


@pytest.fixture
async def demo_app(tmp_path: Path) -> AsyncIterator[App]:
    async with support.demo_app(tmp_path) as application:
        yield application


@pytest.mark.slow
async def test_village_head_answers_everything_by_typing_then_commune_score_reflects_it(
    demo_app: App, tmp_path: Path
) -> None:
    photo = tmp_path / "hop-thon.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 photo of the village meeting")
    async with demo_app.uow() as uow:
        person = await uow.people.by_phone(VILLAGE_HEAD_PHONE)
    assert person is not None
    channel = make_channel(demo_app, person, clock=support.console_clock())
    opening = await open_conversation(demo_app, channel, person)
    transcript = list(opening)
    assert any("Xin chào Nguyễn Văn An" in text for text in opening)
    assert any("Câu 1/" in text for text in opening)
    questionnaire = builtin_questionnaires()["village_head"]
    transcript += await support.answer_everything(demo_app, channel, VILLAGE_HEAD_PHONE, photo)
    assert not any(text.startswith("⚠️") for text in transcript), [t for t in transcript if t.startswith("⚠️")]
    assert any("✅ Đã lưu: 1.000" in text for text in transcript)

    async with demo_app.uow() as uow:
        answers = await uow.answers.latest(person.unit_id, 2025)
        evidence = await uow.evidence.for_unit(person.unit_id, 2025)
    assert answers["citizens"].value == 1000 and answers["university_citizens"].value == 160
    assert answers["citizens"].questionnaire_hash == questionnaire.content_hash
    assert evidence and all(e.sha256 and e.channel == "console" for e in evidence)
    assert (
        demo_app.settings.evidence_dir / evidence[0].sha256[:2] / evidence[0].sha256
    ).read_bytes() == photo.read_bytes()  # type: ignore[index]

    # The commune sees this village's figures; the other three villages have not reported yet.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CDHT_")}
    env["CDHT_DATA_DIR"] = str(demo_app.settings.data_dir)
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "cdht", "score", "DEMO-SH-X1", "--year", "2025", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    [learning] = [
        item
        for criterion in report["levels"]["1"]["criteria"]
        for item in criterion["indicators"]
        if item["id"] == "5.1"
    ]
    assert learning["status"] == "missing"
    assert "850" in learning["explanation"] and "1.000" in learning["explanation"]


async def test_resume_after_restart_continues_at_the_first_unanswered_question(demo_app: App) -> None:
    async with demo_app.uow() as uow:
        person = await uow.people.by_phone(VILLAGE_HEAD_PHONE)
    assert person is not None
    channel = make_channel(demo_app, person, clock=support.console_clock())
    await open_conversation(demo_app, channel, person)
    await channel.send("250")
    await channel.send("1.000")
    # a new channel object is a restarted process: the state of record is the session row
    again = make_channel(demo_app, person, clock=support.console_clock())
    replies = await open_conversation(demo_app, again, person)
    assert any("Câu 3/" in text for text in replies), replies
    replies = await again.send("2.000")
    assert any("⚠️" in text for text in replies), "learning citizens above citizens must be refused"
    async with demo_app.uow() as uow:
        assert (await uow.answers.latest(person.unit_id, 2025))["citizens"].value == 1000


async def test_unknown_account_is_asked_to_register_and_bad_codes_are_refused(demo_app: App) -> None:
    from cdht.bot.console.channel import ConsoleChannel, LocalFileFetcher
    from cdht.handlers.context import Services
    from cdht.handlers.ports import PersonRecord

    stranger = PersonRecord(id=0, name="Người lạ", phone="+84999999999", role="village_head", unit_id=0)
    services = Services(files=demo_app.files, fetcher=LocalFileFetcher(), year=2025)
    channel = ConsoleChannel(demo_app, services, stranger, clock=support.console_clock())
    first = await channel.send("xin chào")
    assert "Chia sẻ số điện thoại" in first[0]
    assert "chưa có trong danh sách" in (await channel.send("/contact"))[0]
    assert "Mã mời không đúng" in (await channel.send("/start ABC123XYZ"))[0]
    async with demo_app.uow() as uow:
        assert await uow.people.by_identity("console", "console:+84999999999") is None


@pytest.mark.slow
def test_make_run_path_seeds_the_demo_and_opens_the_console(tmp_path: Path) -> None:
    """`cdht run` with no token on a fresh data folder: migrations, demo roster, console, a clean exit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CDHT_")}
    env["CDHT_DATA_DIR"] = str(tmp_path / "data")
    process = subprocess.run(
        [sys.executable, "-m", "cdht", "run"],
        input="1\n250\n/quit\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    assert "Đã nạp danh sách mẫu" in process.stdout
    assert "Câu 1/" in process.stdout
    assert "✅ Đã lưu: 250" in process.stdout
    assert (tmp_path / "data" / "cdht.sqlite3").exists()
