"""Settings that word a unit's questions, declared by the unit above it: a village is asked for its citizens
as its commune counts them for indicators 5.1 and 5.2 (the commune's answer `citizen_base`).

- A village's session is worded, when it begins, with what its commune has declared (the commune's answer
  whose fact is named as the setting); nothing declared: the setting's default (all citizens).
- An answer to a worded question is stored with the value it was asked in (`persistence.persist`): the
  village fact `citizen_base` says what the village counted, and scoring never sums villages counted
  otherwise than the commune declares.
- When the commune declares another value, every village session takes it (`engine.reopening.reword`): the
  answers counted the old way are reopened, the village head is told why and asked again, and a village
  already submitted goes back to «trả lại» until it has counted again. The commune officer is told which
  villages must count again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.engine.events import AnswerRecorded, Event, QuestionReopened
from cdht.conversations.engine.reopening import reword
from cdht.conversations.engine.session import Session
from cdht.conversations.outbound import OutboundMessage
from cdht.conversations.render.replies import render
from cdht.handlers.notify import notify
from cdht.handlers.ports import (
    AnswerRecord,
    AnswerValue,
    CarryDownUnitOfWork,
    PersonRecord,
    UnitRecord,
    YearRecord,
)
from cdht.handlers.respondent.persistence import ChangeOrigin, persist

VILLAGE_QUESTIONNAIRE = "village_head"
_NAMES_SHOWN = 10


def declared(questionnaire: Questionnaire, answers: Mapping[str, AnswerRecord]) -> dict[str, str]:
    """The values `answers` give the settings that word `questionnaire` (an answer whose fact, or question id,
    is the setting's name; the newest wins). Read from the commune's answers: what it declares; from the
    village's own: what its answers were counted on."""
    found: dict[str, str] = {}
    for answer in sorted(answers.values(), key=lambda record: record.id):
        name = answer.fact or answer.question_id
        if name in questionnaire.settings and isinstance(answer.value, str) and answer.value.strip():
            found[name] = answer.value.strip()
    return found


def prefill(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerRecord], settings: Mapping[str, str]
) -> dict[str, AnswerValue]:
    """The stored answers that pre-fill a new session worded with `settings`: all but those a setting words
    that were counted on another value (asked again, in the new wording)."""
    counted = questionnaire.worded(declared(questionnaire, answers)).settings
    wording = questionnaire.worded(settings).settings
    stale = {
        question.id
        for question in questionnaire.questions
        if question.varies_by is not None
        and counted[question.varies_by.setting] != wording[question.varies_by.setting]
    }
    return {qid: a.value for qid, a in answers.items() if a.value is not None and qid not in stale}


def declared_in(events: Sequence[Event]) -> dict[str, str]:
    """The settings of the villages' questionnaire that a commune officer's answers just declared."""
    questionnaire = builtin_questionnaires()[VILLAGE_QUESTIONNAIRE]
    settings: dict[str, str] = {}
    for event in events:
        fact, value = (event.fact, event.value) if isinstance(event, AnswerRecorded) else (None, None)
        if fact is not None and fact in questionnaire.settings and isinstance(value, str):
            settings[fact] = value
    return settings


async def carry_down(
    uow: CarryDownUnitOfWork,
    actor: PersonRecord | None,
    commune: UnitRecord,
    year: int,
    settings: Mapping[str, str],
    now: datetime,
    channel: str,
) -> list[str]:
    """The commune declared `settings` (by `actor` in chat, or imported: None): every village of it takes them.
    Returns the villages that must count again, each told (nothing when none answered the old way)."""
    questionnaire = builtin_questionnaires()[VILLAGE_QUESTIONNAIRE]
    settings = {name: value for name, value in settings.items() if name in questionnaire.settings}
    if not settings:
        return []
    worded = questionnaire.worded(settings)
    reason = _reason(worded)
    villages = [unit for unit in await uow.units.children(commune.id) if unit.tier == "village"]
    ids = [village.id for village in villages]
    answers = await uow.answers.latest_for_units(ids, year)
    reviews = await uow.years.for_units(ids, year)
    sessions: dict[int, list[tuple[int, Session]]] = {}
    for record in await uow.sessions.for_units(ids, year, questionnaire.id):
        sessions.setdefault(record.unit_id, []).append(
            (record.person_id, Session.model_validate(record.state))
        )
    people = await uow.people.in_units(ids)
    recount: list[str] = []
    for village in villages:
        stale = _counted_otherwise(questionnaire, worded, answers.get(village.id, {}))
        review = reviews.get(village.id)
        told = False
        for person_id, session in sessions.get(village.id, []):
            changed, events = reword(session, questionnaire, settings, reason, now=now)
            if changed.settings == session.settings and not events:
                continue
            reopened = [event.question_id for event in events if isinstance(event, QuestionReopened)]
            if reopened and review is not None:  # submitted or reviewed: back to the village until recounted
                review = _returned(review, reopened, reason)
                await uow.years.save(review, now)
            owner = next((p for p in people if p.id == person_id), None) or await uow.people.get(person_id)
            if owner is None:
                continue
            origin = ChangeOrigin(owner, actor, village, year, questionnaire, channel, now, review, reason)
            await persist(uow, origin, changed, events)
            if events:
                await notify(uow, [owner], render(events, changed, questionnaire), now)
                told = True
        if stale and not told:  # answered with no session (imported): the heads are told to count again
            if review is not None:
                await uow.years.save(_returned(review, stale, reason), now)
            heads = [p for p in people if p.unit_id == village.id and p.role == "village_head"]
            text = (
                f"📣 {reason} Số liệu của {village.name} cần đếm lại: {_names(worded, stale)}. "
                "Gõ /start để trả lời lại."
            )
            await notify(uow, heads, [OutboundMessage(text=text)], now)
        if told or stale:
            recount.append(village.name)
    return recount


def recount_message(settings: Mapping[str, str], villages: Sequence[str]) -> OutboundMessage:
    """What the commune officer is told: which villages count again, on which base."""
    worded = builtin_questionnaires()[VILLAGE_QUESTIONNAIRE].worded(settings)
    shown = ", ".join(villages[:_NAMES_SHOWN]) + (
        f" và {len(villages) - _NAMES_SHOWN} thôn khác" if len(villages) > _NAMES_SHOWN else ""
    )
    return OutboundMessage(
        text=f"📣 Cách tính số công dân của xã: {_base_name(worded)}. "
        f"Đã báo {len(villages)} thôn đếm lại theo cách tính này: {shown}."
    )


def _counted_otherwise(
    questionnaire: Questionnaire, worded: Questionnaire, answers: Mapping[str, AnswerRecord]
) -> list[str]:
    """The answered questions of a village counted on another value than `worded` asks for."""
    counted = questionnaire.worded(declared(questionnaire, answers)).settings
    return [
        question.id
        for question in questionnaire.questions
        if question.varies_by is not None
        and counted[question.varies_by.setting] != worded.settings[question.varies_by.setting]
        and question.id in answers
        and answers[question.id].value is not None
    ]


def _returned(review: YearRecord, question_ids: Sequence[str], reason: str) -> YearRecord:
    earlier = review.returned_questions if review.status == "returned" else ()
    return YearRecord(
        review.unit_id,
        review.year,
        "returned",
        tuple(dict.fromkeys([*earlier, *question_ids])),
        reason,
        review.deadline,
    )


def _base_name(worded: Questionnaire) -> str:
    names = [
        question.varies_by.variants[worded.settings[question.varies_by.setting]].name
        for question in worded.questions
        if question.varies_by is not None
    ]
    return "; ".join(f"«{name}»" for name in dict.fromkeys(names))


def _reason(worded: Questionnaire) -> str:
    return f"Xã tính số công dân theo cách: {_base_name(worded)}; xin đếm lại theo cách tính này."


def _names(worded: Questionnaire, question_ids: Sequence[str]) -> str:
    return ", ".join(worded.question(qid).name for qid in question_ids)
