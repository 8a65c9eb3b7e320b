"""One inbound event from one account -> the replies. Runs inside the caller's unit of work."""

from __future__ import annotations

from datetime import datetime

from cdht.conversations.inbound import Command, Inbound
from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.answering import answer
from cdht.handlers.context import Sender, Services
from cdht.handlers.ports import PersonRecord, UnitOfWork
from cdht.handlers.registration import register

ROLE_NAMES = {
    "village_head": "trưởng thôn",
    "commune_officer": "cán bộ xã",
    "district_admin": "quản trị cấp huyện",
    "province_admin": "quản trị cấp tỉnh",
}
HELP = OutboundMessage(
    text=(
        "Cách trả lời:\n"
        "• Gõ câu trả lời hoặc bấm nút. Số viết kiểu Việt Nam: 1.250 hoặc 12,5.\n"
        "• «quay lại» để về câu trước, «bỏ qua» với câu không bắt buộc, «để sau» nếu chưa biết.\n"
        "• «xem lại» để xem tất cả câu trả lời, «sửa 3» để sửa câu số 3.\n"
        "• Với câu cần minh chứng: gửi ảnh hoặc tệp, xong thì gõ «xong»."
    )
)


async def handle(
    uow: UnitOfWork, sender: Sender, inbound: Inbound, now: datetime, services: Services
) -> list[OutboundMessage]:
    person = await uow.people.by_identity(sender.channel, sender.external_id)
    if person is None or not person.active:
        outcome = await register(uow, sender, inbound, now)
        if isinstance(outcome, OutboundMessage):
            return [outcome]
        replies = [await _welcome(uow, outcome, services)]
        return replies + await answer(uow, outcome, Command("start"), now, services, channel=sender.channel)
    if isinstance(inbound, Command) and inbound.name == "help":
        return [HELP]
    if isinstance(inbound, Command) and inbound.name == "start":
        replies = [await _welcome(uow, person, services)]
        return replies + await answer(uow, person, Command("resume"), now, services, channel=sender.channel)
    return await answer(uow, person, inbound, now, services, channel=sender.channel)


async def _welcome(uow: UnitOfWork, person: PersonRecord, services: Services) -> OutboundMessage:
    unit = await uow.units.get(person.unit_id)
    where = unit.name if unit else ""
    return OutboundMessage(
        text=(
            f"Xin chào {person.name} ({ROLE_NAMES.get(person.role, person.role)}, {where}).\n"
            f"Số liệu năm {services.year}. Gõ «trợ giúp» hoặc /help để xem cách trả lời."
        )
    )
