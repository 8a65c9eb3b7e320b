"""A known person answers their unit's questionnaire: run the engine, persist what it decided."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime

from cdht.conversations import engine
from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.engine.session import Session
from cdht.conversations.inbound import Command, Inbound, Media
from cdht.conversations.outbound import Button, OutboundMessage
from cdht.conversations.render.replies import render
from cdht.handlers.context import Services
from cdht.handlers.departments import department_questionnaire
from cdht.handlers.notify import notify
from cdht.handlers.ports import AnsweringUnitOfWork, NotifyUnitOfWork, PersonRecord, UnitRecord
from cdht.handlers.respondent.persistence import ChangeOrigin, persist
from cdht.handlers.respondent.photo_metadata import read_photo_metadata
from cdht.handlers.respondent.wording import carry_down, declared, declared_in, recount_message
from cdht.handlers.respondent.wording import prefill as prefilled
from cdht.scoring.departments import active_departments

ROLE_QUESTIONNAIRE = {
    "village_head": "village_head",
    "commune_officer": "commune_officer",
    "district_admin": "district",
    "province_admin": "province",
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
    # A department's people answer the indicators it owns; the lead's (Phòng or Sở GD&ĐT, or no department)
    # everything.
    return department_questionnaire(questionnaire_id, person.department)


def _nothing_to_answer(person: PersonRecord) -> OutboundMessage:
    departments = active_departments()
    if person.role not in ROLE_QUESTIONNAIRE or departments.is_lead(person.department):
        return NO_QUESTIONNAIRE
    return OutboundMessage(
        text=(
            f"{departments.name(person.department)} không được giao chỉ tiêu nào cần trả lời trong trò chuyện. "
            "Anh/chị vẫn xem được tiến độ (/tiendo) và gửi vướng mắc (/vuongmac)."
        )
    )


async def answer(
    uow: AnsweringUnitOfWork,
    person: PersonRecord,
    inbound: Inbound,
    now: datetime,
    services: Services,
    *,
    channel: str,
) -> list[OutboundMessage]:
    questionnaire = questionnaire_for(person)
    if questionnaire is None:
        return [_nothing_to_answer(person)]
    if isinstance(inbound, Media):  # downloaded before anything is read that the download could outdate
        stored = await store_media(inbound, services)
        if isinstance(stored, OutboundMessage):
            return [stored]
        inbound = stored
    unit, review = await uow.units.with_review(person.unit_id, services.year)
    if unit is None:
        return [NO_QUESTIONNAIRE]
    year = services.year
    record = await uow.sessions.get(person.id, unit.id, year, questionnaire.id)
    if record is None:
        # Settings that word the questions (a village's citizen base) are declared by the unit above: read
        # with the unit's own answers, in the same query.
        above = unit.parent_id if questionnaire.settings and unit.parent_id is not None else None
        found = await uow.answers.latest_for_units([unit.id] if above is None else [unit.id, above], year)
        settings = declared(questionnaire, found.get(above, {})) if above is not None else {}
        prefill = prefilled(questionnaire, found.get(unit.id, {}), settings)
        session, events = engine.start(questionnaire, now=now, answers=prefill, settings=settings)
        if not _is_opening(inbound):
            session, more = engine.resume(session, inbound, questionnaire=questionnaire, now=now)
            events = [*events, *more]
    else:
        session = Session.model_validate(record.state)
        session, events = engine.resume(session, inbound, questionnaire=questionnaire, now=now, reuse=True)
    origin = ChangeOrigin(person, person, unit, year, questionnaire, channel, now, review)
    completed = await persist(uow, origin, session, events)
    replies = render(events, session, questionnaire)
    if completed and unit.tier == "village":
        await announce_submission(uow, unit, person, now)
    declared_now = declared_in(events) if unit.tier == "commune" else {}
    if declared_now:  # a citizen base declared: the villages take it
        recount = await carry_down(uow, person, unit, year, declared_now, now, channel)
        replies = [recount_message(declared_now, recount), *replies] if recount else replies  # question last
    return replies


def _is_opening(inbound: Inbound) -> bool:
    return isinstance(inbound, Command) and inbound.name in ("start", "resume", "menu")


async def store_media(media: Media, services: Services) -> Media | OutboundMessage:
    """The media step: fetch the file now (channel links may expire) and store it by content hash."""
    if media.size is not None and media.size > services.max_evidence_bytes:
        return FILE_TOO_LARGE
    content = await services.fetcher.fetch(media)
    if content is None:
        return FILE_UNREADABLE
    if len(content) > services.max_evidence_bytes:
        return FILE_TOO_LARGE
    # Hashing and writing 20 MB take tens of milliseconds: off the event loop, like reading the EXIF.
    sha256, exif = await asyncio.gather(
        asyncio.to_thread(services.files.put_bytes, content), asyncio.to_thread(read_photo_metadata, content)
    )
    return dataclasses.replace(
        media,
        sha256=sha256,
        size=len(content),
        latitude=media.latitude if media.latitude is not None else exif.latitude,
        longitude=media.longitude if media.longitude is not None else exif.longitude,
        taken_at=media.taken_at or exif.taken_at,
    )


async def announce_submission(
    uow: NotifyUnitOfWork, village: UnitRecord, head: PersonRecord, now: datetime
) -> None:
    """A village finished (or finished fixing): its commune officers are told it waits for review."""
    if village.parent_id is None:
        return
    officers = [p for p in await uow.people.in_units([village.parent_id]) if p.role == "commune_officer"]
    text = f"📥 {village.name} ({head.name}) đã gửi số liệu. Gõ /duyet để xem và duyệt."
    await notify(
        uow,
        officers,
        [OutboundMessage(text=text, buttons=((Button("🔎 Xem", Command("duyet", village.code)),),))],
        now,
    )
