"""Linking a chat account to a person of the roster: own phone contact, or a one-time invite code."""

from __future__ import annotations

import re
from datetime import datetime

from cdht.conversations.inbound import Command, Contact, Inbound, Text
from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.admin.phones import normalise_phone
from cdht.handlers.context import Sender
from cdht.handlers.ports import PersonRecord, RegistrationUnitOfWork

CODE_PATTERN = re.compile(r"^[A-Za-z0-9]{6,32}$")

ASK_CONTACT = OutboundMessage(
    text=(
        "Xin chào! Đây là trợ lý thu thập số liệu đánh giá Cộng đồng học tập (Thông tư 25/2023).\n"
        "Để bắt đầu, xin bấm nút «📱 Chia sẻ số điện thoại» bên dưới, "
        "hoặc gửi mã mời mà cán bộ xã/huyện đã gửi cho anh/chị."
    ),
    request_contact=True,
)
NOT_OWN_CONTACT = OutboundMessage(
    text="Xin chia sẻ số điện thoại của chính anh/chị bằng nút «📱 Chia sẻ số điện thoại».",
    request_contact=True,
)
UNKNOWN_PHONE = OutboundMessage(
    text=(
        "Số điện thoại này chưa có trong danh sách cán bộ được phân công. "
        "Xin liên hệ cán bộ phụ trách của xã hoặc phòng Giáo dục và Đào tạo để được thêm vào danh sách, "
        "hoặc xin họ một mã mời."
    )
)
BAD_CODE = OutboundMessage(
    text="Mã mời không đúng, đã dùng hoặc đã hết hạn. Xin kiểm tra lại hoặc xin cán bộ phụ trách một mã mới."
)


async def register(
    uow: RegistrationUnitOfWork, sender: Sender, inbound: Inbound, now: datetime
) -> PersonRecord | OutboundMessage:
    """The person this account now belongs to, or the message to send when it cannot be linked yet."""
    code = _invite_code(inbound)
    if code is not None:
        person_id = await uow.invites.redeem(code, now)
        person = await uow.people.get(person_id) if person_id is not None else None
        if person is None or not person.active:
            return BAD_CODE
        return await _link(uow, person, sender, now)
    if isinstance(inbound, Contact):
        if not inbound.is_own:
            return NOT_OWN_CONTACT
        phone = normalise_phone(inbound.phone)
        person = await uow.people.by_phone(phone) if phone else None
        if person is None or not person.active:
            return UNKNOWN_PHONE
        return await _link(uow, person, sender, now)
    return ASK_CONTACT


def _invite_code(inbound: Inbound) -> str | None:
    if isinstance(inbound, Command) and inbound.name == "start" and inbound.arg:
        candidate = inbound.arg.strip()
    elif isinstance(inbound, Text):
        candidate = inbound.text.strip()
    else:
        return None
    return (
        candidate.upper() if CODE_PATTERN.match(candidate) and any(ch.isdigit() for ch in candidate) else None
    )


async def _link(
    uow: RegistrationUnitOfWork, person: PersonRecord, sender: Sender, now: datetime
) -> PersonRecord:
    await uow.people.link_identity(person.id, sender.channel, sender.external_id, sender.chat_id, now)
    return person
