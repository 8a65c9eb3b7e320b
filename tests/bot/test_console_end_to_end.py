"""The console channel end to end: a village head answers the whole questionnaire by typing, then the
commune's score reflects the answers. Goes through the inbox -> handler -> outbox path like any channel."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cdht.bot.composition import App, open_app
from cdht.bot.console.repl import make_channel, open_conversation
from cdht.cli import DEMO_ROSTER
from cdht.config import Settings
from cdht.conversations.loader import builtin_questionnaires
from cdht.conversations.session import Session
from cdht.handlers.roster import import_roster

VILLAGE_HEAD_PHONE = "+84902000001"  # Nguyễn Văn An, Thôn Đông, Xã An Bình (demo)
NUMBERS = {
    "households": "250",
    "citizens": "1.000",
    "learning_citizens": "850",
    "trained_citizens": "620",
    "university_citizens": "160",
}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=5)
        return self.now


@pytest.fixture
async def demo_app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(data_dir=tmp_path / "data", assessment_year=2025, _env_file=None)  # type: ignore[call-arg]
    async with open_app(settings) as application:
        await application.database.upgrade()
        async with application.uow() as uow:
            await import_roster(DEMO_ROSTER, uow, datetime(2025, 11, 1, tzinfo=UTC))
        yield application


def answer_for(question_type: str, question_id: str, photo: Path) -> list[str]:
    if question_id in NUMBERS:
        return [NUMBERS[question_id]]
    return {
        "integer": ["3"],
        "decimal": ["2,5"],
        "percent": ["50%"],
        "money": ["12,5 triệu"],
        "yes_no": ["có"],
        "choice": ["1"],
        "multi_choice": ["1", "3", "xong"],
        "level": ["mức 2"],
        "text": ["Sinh hoạt tại nhà văn hóa thôn"],
        "date": ["05/10/2025"],
        "evidence": [f"/photo {photo}", "xong"],
        "location": ["/location 21.03,105.85"],
    }[question_type]


async def current_session(application: App, person_id: int, unit_id: int) -> Session | None:
    async with application.uow() as uow:
        record = await uow.sessions.get(person_id, unit_id, 2025, "village_head")
    return Session.model_validate(record.state) if record else None


async def test_village_head_answers_everything_by_typing_then_commune_score_reflects_it(
    demo_app: App, tmp_path: Path
) -> None:
    photo = tmp_path / "hop-thon.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 photo of the village meeting")
    async with demo_app.uow() as uow:
        person = await uow.people.by_phone(VILLAGE_HEAD_PHONE)
    assert person is not None
    channel = make_channel(demo_app, person, clock=Clock())
    opening = await open_conversation(demo_app, channel, person)
    transcript = list(opening)
    assert any("Xin chào Nguyễn Văn An" in text for text in opening)
    assert any("Câu 1/" in text for text in opening)
    questionnaire = builtin_questionnaires()["village_head"]
    for _ in range(300):
        session = await current_session(demo_app, person.id, person.unit_id)
        assert session is not None
        if session.state == "completed":
            break
        asking = session.state in ("asking", "collecting_evidence") and session.cursor
        question = questionnaire.question(session.cursor) if asking and session.cursor else None
        lines = ["xong"] if question is None else answer_for(question.type, question.id, photo)
        for line in lines:
            transcript += await channel.send(line)
    else:
        raise AssertionError("the questionnaire never completed:\n" + "\n".join(transcript[-6:]))
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
    channel = make_channel(demo_app, person, clock=Clock())
    await open_conversation(demo_app, channel, person)
    await channel.send("250")
    await channel.send("1.000")
    # a new channel object is a restarted process: the state of record is the session row
    again = make_channel(demo_app, person, clock=Clock())
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
    channel = ConsoleChannel(demo_app.uow, services, stranger, clock=Clock())
    first = await channel.send("xin chào")
    assert "Chia sẻ số điện thoại" in first[0]
    assert "chưa có trong danh sách" in (await channel.send("/contact"))[0]
    assert "Mã mời không đúng" in (await channel.send("/start ABC123XYZ"))[0]
    async with demo_app.uow() as uow:
        assert await uow.people.by_identity("console", "console:+84999999999") is None


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
