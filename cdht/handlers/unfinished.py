"""Who still has questions to answer, and which: the audience of reminders and of "not finished" broadcasts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cdht.conversations import engine
from cdht.conversations.flow import missing_required
from cdht.conversations.session import Session
from cdht.handlers.answering import questionnaire_for
from cdht.handlers.ports import PersonRecord, UnitOfWork

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Unfinished:
    person: PersonRecord
    missing: tuple[str, ...]  # question names

    def summary(self, limit: int = 5) -> str:
        names = ", ".join(self.missing[:limit])
        more = f" và {len(self.missing) - limit} câu khác" if len(self.missing) > limit else ""
        return f"còn {len(self.missing)} câu chưa trả lời: {names}{more}"


async def unfinished(uow: UnitOfWork, people: Sequence[PersonRecord], year: int) -> list[Unfinished]:
    found = []
    for person in people:
        questionnaire = questionnaire_for(person)
        if questionnaire is None or not person.active:
            continue
        review = await uow.years.get(person.unit_id, year)
        if review is not None and review.status == "approved":
            continue
        records = await uow.sessions.for_units([person.unit_id], year, questionnaire.id)
        if records and records[0].completed:
            continue
        if records:
            session = Session.model_validate(records[0].state)
        else:
            latest = await uow.answers.latest(person.unit_id, year)
            prefill = {qid: a.value for qid, a in latest.items() if a.value is not None}
            session, _ = engine.start(questionnaire, now=_EPOCH, answers=prefill)
        missing = missing_required(session, questionnaire)
        names = tuple(questionnaire.question(qid).name for qid in missing if questionnaire.get(qid))
        # Nothing required missing but not confirmed yet: the summary still waits for "xong".
        found.append(Unfinished(person, names or ("xác nhận gửi số liệu",)))
    return found
