"""One inbound event from one account -> the replies. Runs inside the caller's unit of work.

Order: a channel's word that the person blocked or unblocked the bot (their reachable flag, no reply);
registration for unknown accounts; then menu commands (role-checked on the server, whatever the
channel showed); then an officer's multi-step action in progress; otherwise the questionnaire engine."""

from __future__ import annotations

from datetime import datetime

from cdht.conversations.inbound import Command, Inbound, Media, Reachability, Text
from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.command_table import BY_NAME, ROLE_NAMES, allowed, refusal
from cdht.handlers.context import Sender, Services
from cdht.handlers.flow_steps import continue_flow
from cdht.handlers.flows import current_flow, set_flow
from cdht.handlers.officer.menu_commands import run_command
from cdht.handlers.ports import PersonRecord, UnitOfWork
from cdht.handlers.respondent.answering import answer, questionnaire_for
from cdht.handlers.respondent.registration import register
from cdht.scoring.departments import active_departments

UNSUPPORTED_NOTES = {  # Command("unsupported", kind): content a channel received but the bot cannot use
    "voice": OutboundMessage(
        text="🎤 Bot chưa nghe được tin nhắn thoại. Xin gõ câu trả lời bằng chữ hoặc bấm nút."
    ),
    "sticker": OutboundMessage(
        text="Bot chưa hiểu nhãn dán hay ảnh động. Xin gõ câu trả lời, bấm nút, hoặc gửi ảnh chụp làm minh chứng."
    ),
    "video_note": OutboundMessage(
        text="Bot chưa nhận video tròn. Minh chứng xin gửi ảnh chụp, hoặc gửi video/tài liệu dạng tệp (dưới 20 MB)."
    ),
    "edited": OutboundMessage(
        text="✏️ Bot không ghi nhận tin nhắn đã sửa. Muốn đổi câu trả lời, xin gửi tin nhắn mới hoặc gõ «sửa N»."
    ),
    "other": OutboundMessage(
        text="Bot chưa đọc được loại tin nhắn này. Xin gõ câu trả lời, bấm nút, hoặc gửi ảnh/tệp minh chứng."
    ),
}


async def handle(
    uow: UnitOfWork, sender: Sender, inbound: Inbound, now: datetime, services: Services
) -> list[OutboundMessage]:
    person = await uow.people.by_identity(sender.channel, sender.external_id)
    if isinstance(inbound, Reachability):
        if person is not None:
            await uow.people.set_reachable(person.id, inbound.reachable)
        return []  # an unknown account's block or unblock is nobody's business; and no reply either way
    if person is None or not person.active:
        outcome = await register(uow, sender, inbound, now, services.year)
        if isinstance(outcome, OutboundMessage):
            return [outcome]
        replies = [await welcome(uow, outcome, services)]
        return replies + await answer(uow, outcome, Command("start"), now, services, channel=sender.channel)
    if isinstance(inbound, Command) and inbound.name == "unsupported":
        return [UNSUPPORTED_NOTES.get(inbound.arg or "", UNSUPPORTED_NOTES["other"])]
    if isinstance(inbound, Command) and inbound.name in BY_NAME:
        if not allowed(person.role, inbound.name):
            return [refusal(inbound.name)]
        if inbound.name == "start":
            await set_flow(uow, person, None, now)
            replies = [await welcome(uow, person, services)]
            return replies + await answer(
                uow, person, Command("resume"), now, services, channel=sender.channel
            )
        return await run_command(uow, person, inbound, now, services, channel=sender.channel)
    flow = await current_flow(uow, person)
    if flow is not None and isinstance(inbound, Text | Media):
        return [await continue_flow(uow, person, flow, inbound, now, services, sender.channel)]
    if flow is not None:
        await set_flow(uow, person, None, now)
    return await answer(uow, person, inbound, now, services, channel=sender.channel)


def sessions_read(person: PersonRecord, year: int) -> tuple[tuple[int, str], ...]:
    """The sessions (year, questionnaire id) `handle` reads for an active person: their questionnaire's;
    what an inbox batch reads ahead for its senders (their flows are read ahead with them)."""
    questionnaire = questionnaire_for(person)
    return () if questionnaire is None else ((year, questionnaire.id),)


async def welcome(uow: UnitOfWork, person: PersonRecord, services: Services) -> OutboundMessage:
    unit = await uow.units.get(person.unit_id)
    where = unit.name if unit else ""
    departments = active_departments()
    if not departments.is_lead(person.department):  # they answer only its part: say which
        where = f"{departments.name(person.department)}, {where}"
    return OutboundMessage(
        text=(
            f"Xin chào {person.name} ({ROLE_NAMES.get(person.role, person.role)}, {where}).\n"
            f"Số liệu năm {services.year}. Gõ /help để xem hướng dẫn và các lệnh."
        )
    )
