"""One-time invite codes: how people register on Zalo, and how someone who changed phone or account is
re-linked (the code links whichever account sends it; the old link on that channel is replaced, and the old
chat is told: `registration`).

A code hands over an account, so who may make one is narrow. In chat (`/moi`) an officer makes codes only for
people of a lower rank inside their own area, and never for a role that may do what the issuer's role may
not (a district admin cannot become a commune officer who approves villages); answering a unit's own
questionnaire does not count, or no officer could re-link a village head. From the command line
(`cdht invite`) an admin may make a code for anyone. Every code records its issuer and expires
(`Settings.invite_ttl_hours`, 72 hours by default); making one is audited."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.admin.phones import normalise_phone
from cdht.handlers.command_table import ANSWERING, COMMANDS, ROLE_NAMES, allowed
from cdht.handlers.ports import ROLES, AuditRecord, InviteUnitOfWork, PersonRecord
from cdht.handlers.scope import unit_in_scope

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone
DIGITS = "23456789"
CODE_LENGTH = 8
DEFAULT_HOURS = 72.0
RANK = {role: rank for rank, role in enumerate(ROLES)}  # village_head < … < province_admin
ANSWERING_ONLY = frozenset(
    spec.name for spec in COMMANDS if spec.roles == ANSWERING
)  # reviewing one's answers

USAGE = "Xin gõ số điện thoại của người cần mã mời sau lệnh, ví dụ: /moi 0912345678"
NOT_YOURS = OutboundMessage(  # the same for an unknown number and for someone outside the issuer's area
    text=(
        "Xin lỗi, anh/chị không tạo được mã mời cho số này: số không có trong danh sách đang hoạt động, "
        "hoặc người đó không thuộc đơn vị của anh/chị.\nVí dụ: /moi 0912345678"
    )
)


def new_code(length: int = CODE_LENGTH) -> str:
    """A random code with at least one digit (what registration recognises as a code, not a word)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if any(ch in DIGITS for ch in code):
            return code


def may_invite(issuer_role: str, target_role: str) -> bool:
    """Whether someone of `issuer_role` may make a code in chat for someone of `target_role` (in their area):
    a lower rank, whose commands are all the issuer's own but for reviewing their own answers."""
    if not allowed(issuer_role, "moi") or target_role not in RANK or issuer_role not in RANK:
        return False
    if RANK[target_role] >= RANK[issuer_role]:
        return False
    beyond = {
        spec.name
        for spec in COMMANDS
        if allowed(target_role, spec.name) and not allowed(issuer_role, spec.name)
    }
    return beyond <= ANSWERING_ONLY


def invitable_roles(issuer_role: str) -> list[str]:
    return [role for role in ROLES if may_invite(issuer_role, role)]


def local_time(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M ngày %d/%m/%Y")


async def create_invite(
    uow: InviteUnitOfWork,
    person: PersonRecord,
    now: datetime,
    *,
    hours: float = DEFAULT_HOURS,
    timezone: str = "Asia/Ho_Chi_Minh",
    issuer: PersonRecord | None = None,
    year: int | None = None,
) -> tuple[str, datetime]:
    """A new code for `person`, made by `issuer` (None: from the command line), in the audit log of the
    person's unit (`year`: the assessment year whose log shows it)."""
    code, expires = new_code(), now + timedelta(hours=hours)
    await uow.invites.create(code, person.id, now, expires, issuer_id=issuer.id if issuer else None)
    await uow.audit.add(
        AuditRecord(
            "invite",
            now,
            person.unit_id,
            year,
            issuer.id if issuer else None,
            new_value=f"{person.name} ({ROLE_NAMES.get(person.role, person.role)})",
            reason=f"Mã mời dùng một lần, hết hạn lúc {local_time(expires, timezone)}"
            + ("" if issuer else "; tạo bằng lệnh cdht invite"),
        )
    )
    return code, expires


async def invite_in_chat(
    uow: InviteUnitOfWork,
    inviter: PersonRecord,
    phone_text: str,
    now: datetime,
    timezone: str,
    *,
    hours: float = DEFAULT_HOURS,
    year: int | None = None,
) -> OutboundMessage:
    """`/moi 0912…`: an officer or admin makes a code for someone of a lower rank in their area."""
    if not phone_text.strip():
        return OutboundMessage(text=USAGE)
    phone = normalise_phone(phone_text)
    person = await uow.people.by_phone(phone) if phone else None
    if person is None or not person.active:
        return NOT_YOURS
    unit = await uow.units.get(person.unit_id)
    if unit is None or await unit_in_scope(uow, inviter, unit.code) is None:
        return NOT_YOURS
    if not may_invite(inviter.role, person.role):
        roles = " và ".join(ROLE_NAMES[role] for role in invitable_roles(inviter.role))
        return OutboundMessage(
            text=(
                f"Xin lỗi, anh/chị không thể tạo mã mời cho {person.name} "
                f"({ROLE_NAMES.get(person.role, person.role)}): mã mời trao quyền dùng tài khoản của người đó. "
                f"Anh/chị chỉ tạo được mã mời cho {roles or 'không ai'} thuộc đơn vị của mình. "
                "Mã cho người khác xin nhờ người quản trị hệ thống tạo (lệnh cdht invite)."
            )
        )
    code, expires = await create_invite(
        uow, person, now, hours=hours, timezone=timezone, issuer=inviter, year=year
    )
    return OutboundMessage(
        text=(
            f"Mã mời cho {person.name}: {code} (dùng một lần, hết hạn lúc {local_time(expires, timezone)}).\n"
            f"Người đó gửi cho bot trên Zalo hoặc Telegram: /start {code}\n"
            "Nếu người đó đang dùng một tài khoản khác trên cùng ứng dụng, tài khoản cũ sẽ được báo và thôi "
            "liên kết."
        )
    )
