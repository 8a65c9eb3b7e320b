"""Who still has questions to answer, and which: the audience of reminders and of "not finished" broadcasts.

Both take a few queries per call whatever the number of people (units' reviews and sessions are read for
all of them at once), and `describe` works out what is missing a chunk of people at a time, letting the
event loop serve other chats between chunks."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cdht.conversations import engine
from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.engine.routing import missing_required
from cdht.conversations.engine.session import Session
from cdht.handlers.departments import split_hashes
from cdht.handlers.ports import AnswerRecord, PersonRecord, SessionRecord, UnfinishedUnitOfWork
from cdht.handlers.respondent.answering import questionnaire_for

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
CHUNK = 100  # people whose missing questions are worked out between two yields to the event loop


@dataclass(frozen=True)
class Unfinished:
    person: PersonRecord
    missing: tuple[str, ...]  # question names

    def summary(self, limit: int = 5) -> str:
        names = ", ".join(self.missing[:limit])
        more = f" và {len(self.missing) - limit} câu khác" if len(self.missing) > limit else ""
        return f"còn {len(self.missing)} câu chưa trả lời: {names}{more}"


@dataclass(frozen=True)
class Open:
    person: PersonRecord
    questionnaire: Questionnaire
    session: SessionRecord | None  # the unit's newest session of that questionnaire, if any


async def still_open(uow: UnfinishedUnitOfWork, people: Sequence[PersonRecord], year: int) -> list[Open]:
    """People with a questionnaire whose unit is not approved and whose session is not completed."""
    by_questionnaire: dict[str, list[tuple[PersonRecord, Questionnaire]]] = {}
    for person in people:
        questionnaire = questionnaire_for(person)
        if questionnaire is not None and person.active:
            by_questionnaire.setdefault(questionnaire.id, []).append((person, questionnaire))
    found = []
    for questionnaire_id, members in by_questionnaire.items():
        unit_ids = sorted({person.unit_id for person, _ in members})
        reviews = await uow.years.for_units(unit_ids, year)
        # A department answers its own part of the district questionnaire (same id, its own hash): its
        # session is the newest of that part; the whole questionnaire's, the newest of no department's part.
        parts = split_hashes(questionnaire_id)
        newest: dict[tuple[int, str | None], SessionRecord] = {}
        for record in await uow.sessions.for_units(unit_ids, year, questionnaire_id):  # newest first
            made_for = record.state.get("questionnaire_hash")
            newest.setdefault((record.unit_id, made_for if made_for in parts else None), record)
        for person, questionnaire in members:
            review = reviews.get(person.unit_id)
            if review is not None and review.status == "approved":
                continue
            part = questionnaire.content_hash if questionnaire.content_hash in parts else None
            session = newest.get((person.unit_id, part))
            if session is None or not session.completed:
                found.append(Open(person, questionnaire, session))
    return found


async def unfinished_people(
    uow: UnfinishedUnitOfWork, people: Sequence[PersonRecord], year: int
) -> list[PersonRecord]:
    """Those of `people` who have not finished their questionnaire (no engine work: for an audience)."""
    return [item.person for item in await still_open(uow, people, year)]


async def describe(uow: UnfinishedUnitOfWork, items: Sequence[Open], year: int) -> list[Unfinished]:
    """What each still open questionnaire misses (engine work: only for those who will be told)."""
    fresh_units = sorted({item.person.unit_id for item in items if item.session is None})
    latest = await uow.answers.latest_for_units(fresh_units, year) if fresh_units else {}
    found = []
    for start in range(0, len(items), CHUNK):
        if start:
            await asyncio.sleep(0)
        for item in items[start : start + CHUNK]:
            found.append(_missing(item, latest.get(item.person.unit_id, {})))
    return found


def _missing(item: Open, latest: dict[str, AnswerRecord]) -> Unfinished:
    questionnaire = item.questionnaire
    if item.session is not None:
        session = Session.model_validate(item.session.state)
    else:
        prefill = {qid: a.value for qid, a in latest.items() if a.value is not None}
        session, _ = engine.start(questionnaire, now=_EPOCH, answers=prefill)
    missing = missing_required(session, questionnaire)
    names = tuple(questionnaire.question(qid).name for qid in missing if questionnaire.get(qid))
    # Nothing required missing but not confirmed yet: the summary still waits for "xong".
    return Unfinished(item.person, names or ("xác nhận gửi số liệu",))
