"""One-time invite codes: how people register on Zalo, and how an admin re-links someone who changed
phone or account (the code links whichever account sends it; the old link on that channel is replaced)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.admin.phones import normalise_phone
from cdht.handlers.ports import InviteUnitOfWork, PersonRecord
from cdht.handlers.scope import unit_in_scope

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone
DIGITS = "23456789"
CODE_LENGTH = 8


def new_code(length: int = CODE_LENGTH) -> str:
    """A random code with at least one digit (what registration recognises as a code, not a word)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if any(ch in DIGITS for ch in code):
            return code


async def create_invite(
    uow: InviteUnitOfWork, person: PersonRecord, now: datetime, days: int = 14
) -> tuple[str, datetime]:
    code, expires = new_code(), now + timedelta(days=days)
    await uow.invites.create(code, person.id, now, expires)
    return code, expires


async def invite_in_chat(
    uow: InviteUnitOfWork, inviter: PersonRecord, phone_text: str, now: datetime, timezone: str
) -> OutboundMessage:
    """`/moi 0912…`: an officer or admin makes a code for someone in their area."""
    phone = normalise_phone(phone_text)
    person = await uow.people.by_phone(phone) if phone else None
    if person is None or not person.active:
        return OutboundMessage(
            text="Không có người nào đang hoạt động với số điện thoại này trong danh sách.\nVí dụ: /moi 0912345678"
        )
    unit = await uow.units.get(person.unit_id)
    if unit is None or await unit_in_scope(uow, inviter, unit.code) is None:
        return OutboundMessage(text="Xin lỗi, người này không thuộc đơn vị của anh/chị.")
    code, expires = await create_invite(uow, person, now)
    until = expires.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y")
    return OutboundMessage(
        text=(
            f"Mã mời cho {person.name}: {code} (dùng một lần, hết hạn ngày {until}).\n"
            f"Người đó gửi cho bot trên Zalo hoặc Telegram: /start {code}"
        )
    )
