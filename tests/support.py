"""Test helpers shared by the end-to-end tests: a demo app, people chatting on the console (on a fake clock,
`tests/fakes/clock.py`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cdht.bot.composition import App, open_app
from cdht.bot.console.channel import ConsoleChannel
from cdht.bot.console.repl import make_channel, open_conversation
from cdht.cli.common import DEMO_ROSTER
from cdht.config import Settings
from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.engine.session import Session
from cdht.handlers.admin.roster import import_roster
from tests.fakes.clock import FakeClock

YEAR = 2025
NUMBERS = {
    "households": "250",
    "citizens": "1.000",
    "learning_citizens": "850",
    "trained_citizens": "620",
    "university_citizens": "160",
}


def console_clock() -> FakeClock:
    """The clock of people chatting on the console: each message one second after the one before."""
    return FakeClock(step=timedelta(seconds=1))


@asynccontextmanager
async def open_demo_app(settings: Settings) -> AsyncIterator[App]:
    """The app on a migrated database with the demo district's roster."""
    async with open_app(settings) as application:
        await application.database.upgrade()
        async with application.uow() as uow:
            await import_roster(DEMO_ROSTER, uow, datetime(2025, 11, 1, tzinfo=UTC))
        yield application


def demo_app(tmp_path: Path) -> AbstractAsyncContextManager[App]:
    settings = Settings(data_dir=tmp_path / "data", assessment_year=YEAR, _env_file=None)  # type: ignore[call-arg]
    return open_demo_app(settings)


async def chat(application: App, phone: str, clock: FakeClock) -> tuple[ConsoleChannel, list[str]]:
    """A person registered on the console (by sharing their contact) and the bot's first replies."""
    async with application.uow() as uow:
        person = await uow.people.by_phone(phone)
    assert person is not None, phone
    channel = make_channel(application, person, clock=clock)
    return channel, await open_conversation(application, channel, person)


def answer_for(question_type: str, question_id: str, photo: Path, numbers: dict[str, str]) -> list[str]:
    if question_id in numbers:
        return [numbers[question_id]]
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


async def answer_everything(
    application: App,
    channel: ConsoleChannel,
    phone: str,
    photo: Path,
    numbers: dict[str, str] | None = None,
    questionnaire_id: str = "village_head",
) -> list[str]:
    """Answer a whole questionnaire by typing (a village head's unless `questionnaire_id` names another, e.g.
    "commune_officer"); `numbers` gives the text typed for a question id instead of the defaults below.
    Returns the transcript."""
    numbers = NUMBERS | (numbers or {})
    async with application.uow() as uow:
        person = await uow.people.by_phone(phone)
    assert person is not None
    questionnaire = builtin_questionnaires()[questionnaire_id]
    transcript: list[str] = []
    for _ in range(300):
        async with application.uow() as uow:
            record = await uow.sessions.get(person.id, person.unit_id, YEAR, questionnaire_id)
        assert record is not None
        session = Session.model_validate(record.state)
        if session.state == "completed":
            return transcript
        asking = session.state in ("asking", "collecting_evidence") and session.cursor
        question = questionnaire.question(session.cursor) if asking and session.cursor else None
        lines = ["xong"] if question is None else answer_for(question.type, question.id, photo, numbers)
        for line in lines:
            transcript += await channel.send(line)
    raise AssertionError("the questionnaire never completed:\n" + "\n".join(transcript[-6:]))


def make_photo(folder: Path, name: str = "hop-thon.jpg") -> Path:
    photo = folder / name
    photo.write_bytes(b"\xff\xd8\xff\xe0 photo " + name.encode())
    return photo


async def import_roster_text(application: App, tmp_path: Path, roster: str, now: datetime) -> None:
    """A roster given as CSV text, imported as `cdht import-roster` would (a department column, say)."""
    path = tmp_path / "roster-extra.csv"
    path.write_text(roster, encoding="utf-8")
    async with application.uow() as uow:
        await import_roster(path, uow, now)
