"""People's lifecycle: deactivating someone ends their access at once, reactivating lets them register again.

Deactivated, a person's chat accounts are unlinked in the same transaction, after a polite message telling
them their access ended has been queued for each (the outbox sends it whatever the links are by then); their
officer flow in progress ends; what they answered stays attributed to them; their phone is free for someone
else (unique among active people only). Whatever an unlinked account writes later is answered only with
"your access has ended" (`registration`). Both changes are in the audit log of the person's unit: who did it
(None: the command line or a roster import), whom, when and why. The command line (`cdht people`), the chat
commands (`lifecycle_chat`) and a roster import that replaces a subtree (`roster_replace`) all come here."""

from __future__ import annotations

from datetime import datetime

from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.command_table import ROLE_NAMES
from cdht.handlers.notify import notify
from cdht.handlers.ports import AuditRecord, LifecycleUnitOfWork, PersonRecord

DEACTIVATE = "deactivate"
REACTIVATE = "reactivate"


class LifecycleRefused(Exception):
    """Nothing changed: the person is already so (`holder` None), or their phone is now another active
    person's (`holder`)."""

    def __init__(self, person: PersonRecord, holder: PersonRecord | None = None) -> None:
        super().__init__(person.phone)
        self.person = person
        self.holder = holder


async def describe(uow: LifecycleUnitOfWork, person: PersonRecord) -> str:
    """«Nguyễn Văn An (trưởng thôn, Thôn 1, +84902000001)»: whom, as the audit log and replies name them."""
    unit = await uow.units.get(person.unit_id)
    where = f", {unit.name}" if unit else ""
    return f"{person.name} ({ROLE_NAMES.get(person.role, person.role)}{where}, {person.phone})"


def farewell(person: PersonRecord) -> OutboundMessage:
    return OutboundMessage(
        text=(
            f"🔒 Kính gửi anh/chị {person.name}: quyền sử dụng bot thu thập số liệu Cộng đồng học tập của "
            "anh/chị đã kết thúc, tài khoản này thôi liên kết với bot. Cảm ơn anh/chị đã đóng góp; những câu "
            "trả lời anh/chị đã gửi vẫn được lưu giữ. Nếu có nhầm lẫn, xin liên hệ cán bộ phụ trách của xã "
            "hoặc phòng Giáo dục và Đào tạo."
        )
    )


async def deactivate(
    uow: LifecycleUnitOfWork,
    person: PersonRecord,
    now: datetime,
    *,
    actor: PersonRecord | None,
    reason: str,
    year: int | None,
    actor_name: str | None = None,
) -> int:
    """End the person's access (see the module's note); returns how many chat accounts were unlinked.
    Raises `LifecycleRefused` when they are inactive already. The caller commits."""
    current = await uow.people.get(person.id)
    if current is None or not current.active:
        raise LifecycleRefused(current or person)
    await notify(uow, [current], [farewell(current)], now)
    unlinked = await uow.people.deactivate(current.id, now)
    await uow.flows.clear(current.id)
    await _audit(uow, DEACTIVATE, current, now, actor, reason, year, actor_name)
    return len(unlinked)


async def reactivate(
    uow: LifecycleUnitOfWork,
    person: PersonRecord,
    now: datetime,
    *,
    actor: PersonRecord | None,
    reason: str,
    year: int | None,
) -> None:
    """Give the person access again: they register anew (their own phone contact, or an invite code).
    Raises `LifecycleRefused` when they are active already, or their phone is another active person's."""
    current = await uow.people.get(person.id)
    if current is None or current.active:
        raise LifecycleRefused(current or person)
    holder = await uow.people.by_phone(current.phone)
    if holder is not None and holder.active:
        raise LifecycleRefused(current, holder)
    await uow.people.reactivate(current.id)
    await _audit(uow, REACTIVATE, current, now, actor, reason, year)


async def _audit(
    uow: LifecycleUnitOfWork,
    action: str,
    person: PersonRecord,
    now: datetime,
    actor: PersonRecord | None,
    reason: str,
    year: int | None,
    actor_name: str | None = None,
) -> None:
    await uow.audit.add(
        AuditRecord(
            action,
            now,
            person.unit_id,
            year,
            actor.id if actor else None,
            new_value=await describe(uow, person),
            reason=reason.strip() or None,
            actor_name=actor_name,
        )
    )
