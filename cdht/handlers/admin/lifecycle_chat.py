"""`/khoa SĐT lý do` and `/mokhoa SĐT lý do`: an officer ends, or gives back, the access of someone of a lower
rank inside their own area, after confirming with a button (`khoa_ok` / `mokhoa_ok`, checked again: the
button's data is not trusted). A number that is unknown, outside the officer's area, the officer's own, or of
an equal or higher rank gets one and the same reply, which reveals nothing about whom it belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from cdht.conversations.inbound import Command
from cdht.conversations.outbound import Button, OutboundMessage
from cdht.handlers.admin import lifecycle
from cdht.handlers.admin.phones import normalise_phone
from cdht.handlers.flows import AccessFlow, current_flow, set_flow
from cdht.handlers.ports import ROLES, PersonRecord, UnitOfWork
from cdht.handlers.scope import unit_in_scope

Action = Literal["deactivate", "reactivate"]
RANK = {role: rank for rank, role in enumerate(ROLES)}  # village_head < … < province_admin
PHONE_THEN_REASON = re.compile(r"^\s*(\+?\d[\d .\-]*\d)(?:\s+(.*))?$", re.DOTALL)
FIRST_WORD = re.compile(r"^\s*(\S+)(?:\s+(.*))?$", re.DOTALL)
MAX_REASON = 300


@dataclass(frozen=True)
class Words:
    command: str
    button: str
    question: str  # "Khoá quyền dùng bot của {who}?"
    effect: str
    done: str


WORDS: dict[Action, Words] = {
    "deactivate": Words(
        command="khoa",
        button="🔒 Khoá",
        question="🔒 Khoá quyền dùng bot của {who}?",
        effect=(
            "Khi khoá: tài khoản chat của người này thôi liên kết ngay và họ nhận một tin báo; câu trả lời đã "
            "gửi vẫn giữ nguyên và vẫn ghi tên họ; số điện thoại của họ có thể giao cho người khác."
        ),
        done="✅ Đã khoá quyền dùng bot của {who}.",
    ),
    "reactivate": Words(
        command="mokhoa",
        button="🔓 Mở khoá",
        question="🔓 Mở khoá cho {who}?",
        effect="Khi mở khoá: người này đăng ký lại bằng số điện thoại của mình (hoặc mã mời) và dùng bot như trước.",
        done=(
            "✅ Đã mở khoá cho {who}. Người này đăng ký lại bằng cách chia sẻ số điện thoại của mình với bot, "
            "hoặc bằng mã mời."
        ),
    ),
}
NOT_YOURS = OutboundMessage(
    text=(
        "Xin lỗi, anh/chị không thực hiện được việc này với số điện thoại đó: số không có trong danh sách, "
        "hoặc người đó không thuộc đơn vị của anh/chị, hoặc không ở cấp dưới anh/chị."
    )
)
GONE = OutboundMessage(text="Thao tác này đã xong hoặc đã hủy. Gõ lại lệnh nếu cần.")


def usage(action: Action) -> OutboundMessage:
    name = WORDS[action].command
    return OutboundMessage(
        text=(
            f"Cách dùng: /{name} SỐ_ĐIỆN_THOẠI lý do\nVí dụ: /{name} 0912345678 "
            + ("đã nghỉ việc, thôn đã có trưởng thôn mới" if action == "deactivate" else "nhận lại nhiệm vụ")
        )
    )


def parse(arg: str) -> tuple[str, str] | None:
    """(E.164 phone, reason) from «0912 345 678 lý do»; None when no valid phone comes first."""
    for pattern in (PHONE_THEN_REASON, FIRST_WORD):  # a reason may start with a digit: then one word
        match = pattern.match(arg)
        phone = normalise_phone(match.group(1)) if match else None
        if match and phone:
            return phone, " ".join((match.group(2) or "").split())
    return None


async def below(uow: UnitOfWork, officer: PersonRecord, person: PersonRecord) -> bool:
    """Whether `person` is of a lower rank than `officer`, in a unit of the officer's area."""
    if person.id == officer.id or RANK.get(person.role, len(RANK)) >= RANK.get(officer.role, -1):
        return False
    unit = await uow.units.get(person.unit_id)
    return unit is not None and await unit_in_scope(uow, officer, unit.code) is not None


async def ask(
    uow: UnitOfWork, officer: PersonRecord, action: Action, arg: str, now: datetime
) -> OutboundMessage:
    """`/khoa …`, `/mokhoa …`: who it would be, what it does, and the button that does it."""
    parsed = parse(arg)
    if parsed is None:
        return usage(action)
    phone, reason = parsed
    if not reason:
        return OutboundMessage(
            text="Xin ghi lý do sau số điện thoại (lý do được ghi vào nhật ký).\n" + usage(action).text
        )
    if len(reason) > MAX_REASON:
        return OutboundMessage(text=f"Lý do dài quá (tối đa {MAX_REASON} ký tự). Xin viết ngắn lại.")
    person = await uow.people.by_phone(phone)
    if person is None or not await below(uow, officer, person):
        return NOT_YOURS
    who = await lifecycle.describe(uow, person)
    if action == "deactivate" and not person.active:
        return OutboundMessage(text=f"{who} đã bị khoá từ trước. Mở lại bằng /mokhoa {person.phone} lý do.")
    if action == "reactivate" and person.active:
        return OutboundMessage(text=f"{who} đang dùng được bot; không cần mở khoá.")
    await set_flow(uow, officer, AccessFlow(action=action, person=person.id, reason=reason), now)
    words = WORDS[action]
    return OutboundMessage(
        text="\n".join([words.question.format(who=who), f"Lý do: {reason}", words.effect]),
        buttons=(
            (
                Button(words.button, Command(f"{words.command}_ok", str(person.id))),
                Button("✖️ Hủy", Command("huy")),
            ),
        ),
    )


async def confirm(
    uow: UnitOfWork, officer: PersonRecord, action: Action, arg: str, now: datetime, year: int
) -> OutboundMessage:
    """`khoa_ok ID`, `mokhoa_ok ID`: do what the officer was asked to confirm, if it is still theirs to do."""
    flow = await current_flow(uow, officer)
    if not isinstance(flow, AccessFlow) or flow.action != action or str(flow.person) != arg.strip():
        return GONE
    await set_flow(uow, officer, None, now)
    person = await uow.people.get(flow.person)
    if person is None or not await below(uow, officer, person):
        return NOT_YOURS
    who = await lifecycle.describe(uow, person)
    try:
        if action == "deactivate":
            unlinked = await lifecycle.deactivate(
                uow, person, now, actor=officer, reason=flow.reason, year=year
            )
        else:
            await lifecycle.reactivate(uow, person, now, actor=officer, reason=flow.reason, year=year)
    except lifecycle.LifecycleRefused as refused:
        if refused.holder is not None:
            return OutboundMessage(
                text=f"Chưa mở khoá được {who}: số điện thoại này đang thuộc về một người khác trong danh sách."
            )
        state = "đã bị khoá" if action == "deactivate" else "đang dùng được bot"
        return OutboundMessage(text=f"{who} {state}; không có gì thay đổi.")
    done = WORDS[action].done.format(who=who)
    if action == "deactivate":
        done += (
            f" {unlinked} tài khoản chat đã thôi liên kết và được báo."
            if unlinked
            else " Người này chưa liên kết tài khoản chat nào."
        )
    return OutboundMessage(text=done)


COMMANDS: dict[str, tuple[Action, bool]] = {  # command -> (action, whether it is the confirmation)
    "khoa": ("deactivate", False),
    "mokhoa": ("reactivate", False),
    "khoa_ok": ("deactivate", True),
    "mokhoa_ok": ("reactivate", True),
}


async def run(
    uow: UnitOfWork, officer: PersonRecord, name: str, arg: str, now: datetime, year: int
) -> OutboundMessage:
    """One of `COMMANDS`, after the command table's role check."""
    action, confirming = COMMANDS[name]
    if confirming:
        return await confirm(uow, officer, action, arg, now, year)
    return await ask(uow, officer, action, arg, now)


def pending(flow: AccessFlow) -> OutboundMessage:
    """A message typed while the confirmation waits."""
    return OutboundMessage(
        text=f"Xin bấm «{WORDS[flow.action].button}» để xác nhận, hoặc gõ /huy để hủy thao tác."
    )
