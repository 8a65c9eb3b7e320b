"""Vướng mắc: anyone registered sends a question or difficulty; the admins responsible for their unit answer."""

from __future__ import annotations

from datetime import datetime

from cdht.conversations.inbound import Command
from cdht.conversations.outbound import Button, OutboundMessage
from cdht.handlers.flows import DifficultyFlow, DifficultyReplyFlow, set_flow
from cdht.handlers.notify import notify
from cdht.handlers.ports import DifficultyRecord, PersonRecord, UnitOfWork
from cdht.handlers.scope import units_in_scope
from cdht.scoring.departments import active_departments

ADMIN_ROLES = ("district_admin", "province_admin")


async def responsible_admins(uow: UnitOfWork, person: PersonRecord) -> list[PersonRecord]:
    """The nearest admins above the person's unit: the district's (education office), else the province's.
    Where no admin is above (a roster headed by a commune), the nearest commune officers answer."""
    above = await uow.units.ancestors(person.unit_id)  # one bounded query, nearest first
    people = [p for p in await uow.people.in_units([u.id for u in above]) if p.active and p.id != person.id]
    for roles in (ADMIN_ROLES, ("commune_officer",)):
        for unit in above:
            found = [p for p in people if p.unit_id == unit.id and p.role in roles]
            if found:
                # "qua Phòng Giáo dục và Đào tạo": the lead department's people first (or no department)
                education = [p for p in found if active_departments().is_lead(p.department)]
                return education or found
    return []


async def open_menu(uow: UnitOfWork, person: PersonRecord, now: datetime) -> OutboundMessage:
    lines = []
    buttons: list[tuple[Button, ...]] = []
    if person.role in ADMIN_ROLES or person.role == "commune_officer":
        scope = [u.id for u in await units_in_scope(uow, person)]
        items = [d for d in await uow.difficulties.open_for_units(scope) if d.person_id != person.id]
        if items:
            lines.append("Vướng mắc đang chờ trả lời:")
            for item in items[:20]:
                asker = await uow.people.get(item.person_id)
                lines.append(f"#{item.id} · {asker.name if asker else ''}: {item.text[:200]}")
                buttons.append((Button(f"✍️ Trả lời #{item.id}", Command("vm_traloi", str(item.id))),))
    await set_flow(uow, person, DifficultyFlow(), now)
    lines.append("Gõ vướng mắc hoặc câu hỏi của anh/chị để gửi cho cán bộ phụ trách (hoặc /huy).")
    return OutboundMessage(text="\n".join(lines), buttons=tuple(buttons))


async def submit(uow: UnitOfWork, person: PersonRecord, text: str, now: datetime) -> OutboundMessage:
    item = await uow.difficulties.add(
        DifficultyRecord(person.id, person.unit_id, text.strip()[:2000], "open", now)
    )
    admins = await responsible_admins(uow, person)
    unit = await uow.units.get(person.unit_id)
    notice = OutboundMessage(
        text=f"❓ Vướng mắc #{item.id} từ {person.name} ({unit.name if unit else ''}):\n{item.text}",
        buttons=((Button(f"✍️ Trả lời #{item.id}", Command("vm_traloi", str(item.id))),),),
    )
    await notify(uow, admins, [notice], now)
    await set_flow(uow, person, None, now)
    return OutboundMessage(text=f"Đã gửi vướng mắc #{item.id}. Khi cán bộ trả lời, bot sẽ báo cho anh/chị.")


async def start_reply(uow: UnitOfWork, admin: PersonRecord, item_id: str, now: datetime) -> OutboundMessage:
    item = await uow.difficulties.get(int(item_id)) if item_id.isdigit() else None
    scope = {u.id for u in await units_in_scope(uow, admin)}
    if item is None or item.unit_id not in scope or item.status != "open":
        return OutboundMessage(text="Không tìm thấy vướng mắc này hoặc nó đã được trả lời.")
    await set_flow(uow, admin, DifficultyReplyFlow(id=item.id), now)
    return OutboundMessage(text=f"Gõ câu trả lời cho vướng mắc #{item.id}:\n{item.text}")


async def reply(
    uow: UnitOfWork, admin: PersonRecord, item_id: int, text: str, now: datetime
) -> OutboundMessage:
    item = await uow.difficulties.get(item_id)
    scope = {u.id for u in await units_in_scope(uow, admin)}
    if item is None or item.unit_id not in scope:
        return OutboundMessage(text="Không tìm thấy vướng mắc này.")
    await uow.difficulties.answer(item.id, text.strip()[:2000], admin.id, now)
    asker = await uow.people.get(item.person_id)
    if asker is not None:
        answer = f"💬 Trả lời vướng mắc #{item.id} ({item.text[:100]}):\n{text.strip()}\n— {admin.name}"
        await notify(uow, [asker], [OutboundMessage(text=answer)], now)
    await set_flow(uow, admin, None, now)
    return OutboundMessage(text=f"Đã gửi câu trả lời cho #{item.id}.")
