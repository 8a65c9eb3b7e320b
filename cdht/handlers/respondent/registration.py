"""Linking a chat account to a person of the roster: own phone contact, or a one-time invite code."""

from __future__ import annotations

import re
from datetime import datetime

from cdht.conversations.inbound import Command, Contact, Inbound, Text
from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.admin.phones import normalise_phone
from cdht.handlers.context import Sender
from cdht.handlers.ports import AuditRecord, IdentityRecord, Lane, PersonRecord, RegistrationUnitOfWork
from cdht.handlers.wire import outbound_to_json

CODE_PATTERN = re.compile(r"^[A-Za-z0-9]{6,32}$")
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "console"}

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
ACCESS_ENDED = OutboundMessage(  # to an account whose person was deactivated (`lifecycle`), whatever it sends
    text=(
        "🔒 Quyền sử dụng bot của anh/chị đã kết thúc, nên bot không nhận tin nhắn từ tài khoản này nữa. "
        "Những câu trả lời anh/chị đã gửi vẫn được lưu giữ. Nếu có nhầm lẫn, xin liên hệ cán bộ phụ trách "
        "của xã hoặc phòng Giáo dục và Đào tạo."
    )
)
BAD_CODE = OutboundMessage(
    text="Mã mời không đúng, đã dùng hoặc đã hết hạn. Xin kiểm tra lại hoặc xin cán bộ phụ trách một mã mới."
)


async def register(
    uow: RegistrationUnitOfWork, sender: Sender, inbound: Inbound, now: datetime, year: int | None = None
) -> PersonRecord | OutboundMessage:
    """The person this account now belongs to, or the message to send when it cannot be linked yet.

    A redeemed code and every re-link go to the audit log of the person's unit (`year`: the assessment
    year whose log shows them)."""
    code = _invite_code(inbound)
    if code is not None:
        invite = await uow.invites.redeem(code, now)
        person = await uow.people.get(invite.person_id) if invite is not None else None
        if invite is None or person is None or not person.active:
            return await _unless_ended(uow, sender, BAD_CODE)
        issuer = await uow.people.get(invite.issuer_id) if invite.issuer_id is not None else None
        how = f"mã mời do {issuer.name} tạo" if issuer else "mã mời do quản trị hệ thống tạo"
        await uow.audit.add(
            AuditRecord(
                "invite_used", now, person.unit_id, year, person.id, new_value=_account(sender), reason=how
            )
        )
        return await _link(uow, person, sender, now, year, how)
    if await uow.people.ended_link(sender.channel, sender.external_id) is not None:
        # Unlinked when its person was deactivated: only a valid code (above) or the person's reactivation
        # opens it again. Not their phone: it may have passed to their successor, whose number the account
        # still carries.
        return ACCESS_ENDED
    if isinstance(inbound, Contact):
        if not inbound.is_own:
            return NOT_OWN_CONTACT
        phone = normalise_phone(inbound.phone)
        person = await uow.people.by_phone(phone) if phone else None
        if person is None:
            return UNKNOWN_PHONE
        if not person.active:  # nobody active has this phone; its last holder was deactivated
            return ACCESS_ENDED
        return await _link(uow, person, sender, now, year, "số điện thoại của chính người đó")
    return ASK_CONTACT


async def _unless_ended(
    uow: RegistrationUnitOfWork, sender: Sender, reply: OutboundMessage
) -> OutboundMessage:
    """`reply`, or "your access has ended" to an account unlinked when its person was deactivated."""
    ended = await uow.people.ended_link(sender.channel, sender.external_id)
    return ACCESS_ENDED if ended is not None else reply


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
    uow: RegistrationUnitOfWork,
    person: PersonRecord,
    sender: Sender,
    now: datetime,
    year: int | None,
    how: str,
) -> PersonRecord:
    """Link the account; an account the person had on this channel is replaced: its chat is told first,
    and the re-link is audited."""
    for old in await uow.people.identities(person.id):
        if old.channel != sender.channel or old.external_id == sender.external_id:
            continue
        await uow.outbox.add(
            old.channel,
            old.chat_id,
            outbound_to_json(relinked_notice(person, sender.channel, how)),
            now,
            person_id=person.id,
            lane=Lane.NOTICE,
        )
        await uow.audit.add(
            AuditRecord(
                "relink",
                now,
                person.unit_id,
                year,
                person.id,
                old_value=_account(old),
                new_value=_account(sender),
                reason=f"Liên kết bằng {how}",
            )
        )
    await uow.people.link_identity(person.id, sender.channel, sender.external_id, sender.chat_id, now)
    return person


def relinked_notice(person: PersonRecord, channel: str, how: str) -> OutboundMessage:
    """What the old account is told when the person's link on its channel moves to another account."""
    app = CHANNEL_NAMES.get(channel, channel)
    return OutboundMessage(
        text=(
            f"🔔 Xin thông báo: liên kết của {person.name} với trợ lý đánh giá Cộng đồng học tập vừa được "
            f"chuyển sang một tài khoản {app} khác (bằng {how}). Từ nay bot không nhận tin nhắn từ tài khoản "
            f"này cho {person.name} nữa.\nNếu chính anh/chị đổi tài khoản, xin bỏ qua tin này. Nếu không, "
            "xin báo ngay cho cán bộ phụ trách của xã hoặc phòng Giáo dục và Đào tạo."
        )
    )


def _account(account: Sender | IdentityRecord) -> str:
    return f"{CHANNEL_NAMES.get(account.channel, account.channel)} {account.external_id}"
