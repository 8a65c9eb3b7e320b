"""The next message of a flow in progress goes to its flow type's step (`STEPS`). A step takes its typed
flow; the steps of flows that only read text get the stripped text, and anything else is asked for text."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from cdht.conversations.inbound import Media, Text
from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.admin import lifecycle_chat
from cdht.handlers.context import Services
from cdht.handlers.flows import (
    AccessFlow,
    BroadcastFlow,
    CouncilFlow,
    DifficultyFlow,
    DifficultyReplyFlow,
    DossierReturnFlow,
    Flow,
    MeetingFlow,
    OpinionFlow,
    RecognitionFlow,
    ReturnFlow,
    set_flow,
)
from cdht.handlers.officer import broadcast, recognitions, review
from cdht.handlers.ports import PersonRecord, UnitOfWork
from cdht.handlers.procedure import meeting, office
from cdht.handlers.procedure.council_chat import council_step, opinion_step
from cdht.handlers.respondent import difficulties
from cdht.handlers.respondent.answering import store_media

F = TypeVar("F", bound=BaseModel)
FlowStep = Callable[
    [UnitOfWork, PersonRecord, F, Text | Media, datetime, Services, str], Awaitable[OutboundMessage]
]
TextStep = Callable[[UnitOfWork, PersonRecord, F, str, datetime, Services, str], Awaitable[OutboundMessage]]

TEXT_NEEDED = OutboundMessage(text="Bước này cần gõ chữ. Gõ /huy để hủy thao tác.")


def text_only(step: TextStep[F]) -> FlowStep[F]:
    async def on_message(
        uow: UnitOfWork,
        person: PersonRecord,
        flow: F,
        inbound: Text | Media,
        now: datetime,
        services: Services,
        channel: str,
    ) -> OutboundMessage:
        if not isinstance(inbound, Text):
            return TEXT_NEEDED
        return await step(uow, person, flow, inbound.text.strip(), now, services, channel)

    return on_message


async def broadcast_step(
    uow: UnitOfWork,
    person: PersonRecord,
    flow: BroadcastFlow,
    inbound: Text | Media,
    now: datetime,
    services: Services,
    channel: str,
) -> OutboundMessage:
    if isinstance(inbound, Media):  # a photo or file to send with the broadcast: stored first
        stored = await store_media(inbound, services)
        if isinstance(stored, OutboundMessage):
            return stored
        inbound = stored
    return await broadcast.step(uow, person, flow, inbound, now, services)


async def return_step(
    uow: UnitOfWork,
    person: PersonRecord,
    flow: ReturnFlow,
    text: str,
    now: datetime,
    services: Services,
    channel: str,
) -> OutboundMessage:
    village = await uow.units.by_code(flow.village)
    if village is None:
        await set_flow(uow, person, None, now)
        return OutboundMessage(text="Không tìm thấy thôn này nữa. Đã hủy.")
    return await review.finish_return(uow, person, village, services.year, text, now, channel)


async def difficulty_step(
    uow: UnitOfWork,
    person: PersonRecord,
    flow: DifficultyFlow,
    text: str,
    now: datetime,
    services: Services,
    channel: str,
) -> OutboundMessage:
    return await difficulties.submit(uow, person, text, now)


async def difficulty_reply_step(
    uow: UnitOfWork,
    person: PersonRecord,
    flow: DifficultyReplyFlow,
    text: str,
    now: datetime,
    services: Services,
    channel: str,
) -> OutboundMessage:
    return await difficulties.reply(uow, person, flow.id, text, now)


async def recognition_step(
    uow: UnitOfWork,
    person: PersonRecord,
    flow: RecognitionFlow,
    text: str,
    now: datetime,
    services: Services,
    channel: str,
) -> OutboundMessage:
    reply = await recognitions.record_from_text(uow, person, text, now, services.recognition_validity)
    if reply.text.startswith("✅"):  # recorded; a line that was not understood may be typed again
        await set_flow(uow, person, None, now)
    return reply


async def access_step(
    uow: UnitOfWork,
    person: PersonRecord,
    flow: AccessFlow,
    inbound: Text | Media,
    now: datetime,
    services: Services,
    channel: str,
) -> OutboundMessage:
    return lifecycle_chat.pending(flow)  # only the button (or /huy) ends it


async def meeting_step(
    uow: UnitOfWork,
    person: PersonRecord,
    flow: MeetingFlow,
    text: str,
    now: datetime,
    services: Services,
    channel: str,
) -> OutboundMessage:
    return await meeting.step(uow, person, flow, text, now, services.local_date(now), services.year)


async def dossier_return_step(
    uow: UnitOfWork,
    person: PersonRecord,
    flow: DossierReturnFlow,
    text: str,
    now: datetime,
    services: Services,
    channel: str,
) -> OutboundMessage:
    return await office.finish_return(uow, person, flow, text, now)


async def _council_step(
    uow: UnitOfWork,
    person: PersonRecord,
    flow: CouncilFlow,
    text: str,
    now: datetime,
    services: Services,
    channel: str,
) -> OutboundMessage:
    return await council_step(uow, person, flow, text, now, services)


async def _opinion_step(
    uow: UnitOfWork,
    person: PersonRecord,
    flow: OpinionFlow,
    text: str,
    now: datetime,
    services: Services,
    channel: str,
) -> OutboundMessage:
    return await opinion_step(uow, person, flow, text, now, services)


STEPS: dict[type[BaseModel], FlowStep[Any]] = {
    AccessFlow: access_step,
    BroadcastFlow: broadcast_step,
    ReturnFlow: text_only(return_step),
    DifficultyFlow: text_only(difficulty_step),
    DifficultyReplyFlow: text_only(difficulty_reply_step),
    RecognitionFlow: text_only(recognition_step),
    MeetingFlow: text_only(meeting_step),
    DossierReturnFlow: text_only(dossier_return_step),
    CouncilFlow: text_only(_council_step),
    OpinionFlow: text_only(_opinion_step),
}


async def continue_flow(
    uow: UnitOfWork,
    person: PersonRecord,
    flow: Flow,
    inbound: Text | Media,
    now: datetime,
    services: Services,
    channel: str,
) -> OutboundMessage:
    return await STEPS[type(flow)](uow, person, flow, inbound, now, services, channel)
