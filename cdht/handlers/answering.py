"""A known person answers their unit's questionnaire: run the engine, persist what it decided."""

from __future__ import annotations

import dataclasses
import functools
from datetime import datetime

from cdht.conversations import engine
from cdht.conversations.events import AnswerRecorded, Completed, Event, EvidenceAttached, QuestionReopened
from cdht.conversations.inbound import Command, Inbound, Media
from cdht.conversations.loader import builtin_questionnaires
from cdht.conversations.outbound import OutboundMessage
from cdht.conversations.questionnaire import Questionnaire
from cdht.conversations.render import render
from cdht.conversations.session import Session
from cdht.conversations.values import GeoPoint, to_json
from cdht.handlers.context import Services
from cdht.handlers.ports import NewAnswer, NewEvidence, PersonRecord, SessionRecord, UnitOfWork, UnitRecord

ROLE_QUESTIONNAIRE = {
    "village_head": "village_head",
    "commune_officer": "commune_officer",
    "district_admin": "district",
}

NO_QUESTIONNAIRE = OutboundMessage(
    text="Vai trò của anh/chị không có bộ câu hỏi cần trả lời trong trò chuyện. Các lệnh quản trị sẽ có ở menu."
)
FILE_TOO_LARGE = OutboundMessage(
    text="Tệp lớn hơn 20 MB nên không nhận được. Xin gửi ảnh chụp nhỏ hơn hoặc chia tài liệu thành nhiều tệp."
)
FILE_UNREADABLE = OutboundMessage(text="Không tải được tệp vừa gửi. Xin gửi lại sau ít phút.")


def questionnaire_for(person: PersonRecord) -> Questionnaire | None:
    questionnaire_id = ROLE_QUESTIONNAIRE.get(person.role)
    if questionnaire_id is None:
        return None
    questionnaire = builtin_questionnaires()[questionnaire_id]
    if person.department and questionnaire_id == "district":
        return questionnaire.for_owner(person.department)
    return questionnaire


async def answer(
    uow: UnitOfWork,
    person: PersonRecord,
    inbound: Inbound,
    now: datetime,
    services: Services,
    *,
    channel: str,
) -> list[OutboundMessage]:
    questionnaire = questionnaire_for(person)
    unit = await uow.units.get(person.unit_id)
    if questionnaire is None or unit is None:
        return [NO_QUESTIONNAIRE]
    if isinstance(inbound, Media):
        stored = await _store_media(inbound, services)
        if isinstance(stored, OutboundMessage):
            return [stored]
        inbound = stored
    year = services.year
    record = await uow.sessions.get(person.id, unit.id, year, questionnaire.id)
    if record is None:
        existing = await uow.answers.latest(unit.id, year)
        prefill = {qid: a.value for qid, a in existing.items() if a.value is not None}
        session, events = engine.start(questionnaire, now=now, answers=prefill)
        if not _is_opening(inbound):
            session, more = engine.resume(session, inbound, questionnaire=questionnaire, now=now)
            events = [*events, *more]
    else:
        session = Session.model_validate(record.state)
        session, events = engine.resume(session, inbound, questionnaire=questionnaire, now=now)
    await _persist(uow, person, unit, year, session, questionnaire, events, channel, now)
    return render(events, session, questionnaire)


def _is_opening(inbound: Inbound) -> bool:
    return isinstance(inbound, Command) and inbound.name in ("start", "resume", "menu")


async def _store_media(media: Media, services: Services) -> Media | OutboundMessage:
    """The media step: fetch the file now (channel links may expire) and store it by content hash."""
    if media.size is not None and media.size > services.max_evidence_bytes:
        return FILE_TOO_LARGE
    content = await services.fetcher.fetch(media)
    if content is None:
        return FILE_UNREADABLE
    if len(content) > services.max_evidence_bytes:
        return FILE_TOO_LARGE
    sha256, _ = services.files.put_bytes(content)
    return dataclasses.replace(media, sha256=sha256, size=len(content))


async def _persist(
    uow: UnitOfWork,
    person: PersonRecord,
    unit: UnitRecord,
    year: int,
    session: Session,
    questionnaire: Questionnaire,
    events: list[Event],
    channel: str,
    now: datetime,
) -> None:
    stamp = functools.partial(
        NewAnswer,
        unit_id=unit.id,
        year=year,
        person_id=person.id,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_hash=questionnaire.content_hash,
    )
    for event in events:
        if isinstance(event, AnswerRecorded):
            await uow.answers.add(
                stamp(
                    question_id=event.question_id,
                    fact=event.fact,
                    value=to_json(event.value) if isinstance(event.value, GeoPoint) else event.value,
                    display=event.display,
                    source="chat",
                    answered_at=event.answered_at,
                )
            )
        elif isinstance(event, QuestionReopened):
            # Withdraw the answer: the newest row wins, so an empty row makes it "missing" again.
            question = questionnaire.get(event.question_id)
            await uow.answers.add(
                stamp(
                    question_id=event.question_id,
                    fact=question.fact if question else None,
                    value=None,
                    display="",
                    source="reopened",
                    answered_at=now,
                )
            )
        elif isinstance(event, EvidenceAttached):
            await uow.evidence.add(_evidence(event, questionnaire, unit, year, person, channel, now))
    await uow.sessions.save(
        SessionRecord(
            person_id=person.id,
            unit_id=unit.id,
            year=year,
            questionnaire_id=questionnaire.id,
            state=session.model_dump(mode="json"),
            completed=any(isinstance(e, Completed) for e in events) or session.state == "completed",
            updated_at=now,
        )
    )


def _evidence(
    event: EvidenceAttached,
    questionnaire: Questionnaire,
    unit: UnitRecord,
    year: int,
    person: PersonRecord,
    channel: str,
    now: datetime,
) -> NewEvidence:
    backed = (
        questionnaire.get(event.evidence_for) if event.evidence_for else questionnaire.get(event.question_id)
    )
    media = event.media
    return NewEvidence(
        unit_id=unit.id,
        year=year,
        question_id=event.question_id,
        fact=backed.fact if backed else None,
        media_type=media.kind,
        mime_type=media.mime_type,
        size=media.size,
        sha256=media.sha256,
        channel=channel,
        channel_file_id=media.file_ref,
        original_name=media.file_name,
        caption=media.caption,
        latitude=media.latitude,
        longitude=media.longitude,
        taken_at=media.taken_at,
        person_id=person.id,
        created_at=now,
    )
