"""/thongbao: compose, choose the audience, preview, confirm; then a live progress message with a cancel button.
Every message goes through the outbox with a dedupe key: rate limits apply, a restart resumes, nobody gets two."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cdht.conversations.inbound import Command, Inbound, Media, Text
from cdht.conversations.outbound import Button, OutboundMessage
from cdht.handlers.context import Services
from cdht.handlers.flows import set_flow
from cdht.handlers.notify import notify
from cdht.handlers.ports import BroadcastRecord, PersonRecord, UnitOfWork
from cdht.handlers.scope import unit_in_scope, units_in_scope
from cdht.handlers.unfinished import unfinished
from cdht.handlers.wire import outbound_to_json

ROLE_CHOICES = {
    "all": "Tất cả mọi người",
    "village_head": "Trưởng thôn",
    "commune_officer": "Cán bộ xã",
    "district_admin": "Quản trị cấp huyện",
}
CANCEL = Button("❌ Hủy", Command("huy"))


def _step(value: str, label: str) -> Button:
    return Button(label, Command("tb", value))


async def start(uow: UnitOfWork, author: PersonRecord, now: datetime) -> OutboundMessage:
    await set_flow(uow, author, {"name": "broadcast", "step": "text"}, now)
    return OutboundMessage(
        text="📣 Soạn thông báo: gõ nội dung (có thể gửi kèm một ảnh hoặc tệp, chú thích là nội dung).",
        buttons=((CANCEL,),),
    )


async def step(
    uow: UnitOfWork,
    author: PersonRecord,
    flow: dict[str, Any],
    inbound: Inbound,
    now: datetime,
    services: Services,
) -> OutboundMessage:
    year = services.year
    action = inbound.arg or "" if isinstance(inbound, Command) and inbound.name == "tb" else ""
    kind, _, value = action.partition(":")
    if flow["step"] == "text":
        if isinstance(inbound, Text) and inbound.text.strip():
            flow["text"] = inbound.text.strip()[:3500]
        elif isinstance(inbound, Media) and inbound.sha256:
            flow["text"] = (inbound.caption or "").strip()[:1000]
            path = str(services.files.path_for(inbound.sha256))
            flow["attachment"] = {"path": path, "kind": inbound.kind, "name": inbound.file_name}
        else:
            return OutboundMessage(
                text="Xin gõ nội dung thông báo, hoặc gửi một ảnh/tệp.", buttons=((CANCEL,),)
            )
        flow["step"] = "role"
        await set_flow(uow, author, flow, now)
        buttons = tuple((_step(f"role:{code}", label),) for code, label in ROLE_CHOICES.items())
        return OutboundMessage(text="Gửi cho ai?", buttons=(*buttons, (CANCEL,)))
    if flow["step"] == "role" and kind == "role" and value in ROLE_CHOICES:
        flow["role"], flow["step"] = value, "unit"
        await set_flow(uow, author, flow, now)
        units = [u for u in await units_in_scope(uow, author) if u.tier != "village"][:20]
        buttons = tuple((_step(f"unit:{u.code}", f"🏛 {u.name}"),) for u in units)
        return OutboundMessage(
            text="Trong đơn vị nào (gồm mọi đơn vị trực thuộc)?", buttons=(*buttons, (CANCEL,))
        )
    if flow["step"] == "unit" and kind == "unit" and await unit_in_scope(uow, author, value):
        flow["unit"], flow["step"] = value, "unfinished"
        await set_flow(uow, author, flow, now)
        choices = ((_step("unf:0", "Tất cả"),), (_step("unf:1", "Chỉ người chưa trả lời xong"),), (CANCEL,))
        return OutboundMessage(text="Gửi cho tất cả, hay chỉ người chưa trả lời xong?", buttons=choices)
    if flow["step"] == "unfinished" and kind == "unf":
        flow["unfinished"], flow["step"] = value == "1", "confirm"
        await set_flow(uow, author, flow, now)
        people = await recipients(uow, author, flow, year)
        text = f"Xem trước:\n———\n{flow['text']}\n———\nSẽ gửi tới {len(people)} người."
        return OutboundMessage(text=text, buttons=((_step("send:", "✅ Gửi"), CANCEL),))
    if flow["step"] == "confirm" and kind == "send":
        return await send(uow, author, flow, now, year)
    return OutboundMessage(text="Xin chọn một trong các nút bên dưới, hoặc gõ /huy để hủy.")


async def recipients(
    uow: UnitOfWork, author: PersonRecord, flow: dict[str, Any], year: int
) -> list[PersonRecord]:
    unit = await unit_in_scope(uow, author, flow.get("unit"))
    if unit is None:
        return []
    subtree = await uow.units.subtree(unit.id)
    people = [p for p in await uow.people.in_units([u.id for u in subtree]) if p.active and p.id != author.id]
    if flow.get("role", "all") != "all":
        people = [p for p in people if p.role == flow["role"]]
    if flow.get("unfinished"):
        people = [item.person for item in await unfinished(uow, people, year)]
    return [p for p in people if await uow.people.identities(p.id)]


async def send(
    uow: UnitOfWork, author: PersonRecord, flow: dict[str, Any], now: datetime, year: int
) -> OutboundMessage:
    people = await recipients(uow, author, flow, year)
    attachment = flow.get("attachment") or {}
    record = await uow.broadcasts.add(
        BroadcastRecord(
            author_id=author.id,
            text=flow["text"],
            audience={k: flow.get(k) for k in ("role", "unit", "unfinished")},
            status="sending",
            created_at=now,
            attachment_path=attachment.get("path"),
            attachment_kind=attachment.get("kind"),
            recipients=len(people),
        )
    )
    message = OutboundMessage(
        text=f"📣 Thông báo:\n{flow['text']}" if flow["text"] else "📣 Thông báo",
        attachment_path=attachment.get("path"),
        attachment_kind="photo"
        if attachment.get("kind") == "photo"
        else ("document" if attachment else None),
    )
    await notify(uow, people, [message], now, dedupe=f"b{record.id}", broadcast_id=record.id)
    await set_flow(uow, author, None, now)
    return progress_message(record.id, len(people), {}, 0, done=False)


def progress_message(
    broadcast_id: int, total: int, counts: dict[str, int], unreachable: int, *, done: bool
) -> OutboundMessage:
    sent, failed = counts.get("sent", 0), counts.get("failed", 0)
    cancelled = counts.get("cancelled", 0)
    head = "✅ Đã gửi xong" if done else "⏳ Đang gửi"
    text = (
        f"{head} thông báo #{broadcast_id}: đã gửi {sent}/{total} · lỗi {failed} · không liên lạc được {unreachable}"
        + (f" · đã hủy {cancelled}" if cancelled else "")
    )
    buttons = () if done else ((Button("⛔ Dừng gửi", Command("tb", f"cancel:{broadcast_id}")),),)
    return OutboundMessage(text=text, buttons=buttons, edit_key=f"broadcast:{broadcast_id}")


async def cancel(uow: UnitOfWork, author: PersonRecord, broadcast_id: int, now: datetime) -> OutboundMessage:
    record = await uow.broadcasts.get(broadcast_id)
    if record is None or record.author_id != author.id:
        return OutboundMessage(text="Không tìm thấy thông báo này.")
    cancelled = await uow.broadcasts.cancel_pending(broadcast_id)
    await uow.broadcasts.set_status(broadcast_id, "cancelled", now)
    return OutboundMessage(
        text=f"⛔ Đã dừng thông báo #{broadcast_id}; {cancelled} tin chưa gửi đã được hủy."
    )


async def progress_tick(uow: UnitOfWork, now: datetime) -> int:
    """Refresh the progress message of every broadcast being sent; finish those with nothing left to send.

    A progress message still waiting in the outbox is updated in place rather than queued again, so a
    slow chat never builds a backlog of stale progress lines."""
    updated = 0
    for record in await uow.broadcasts.active():
        counts = await uow.broadcasts.delivery_counts(record.id)
        done = counts.get("pending", 0) == 0
        unreachable = await uow.broadcasts.unreachable_count(record.id)
        message = progress_message(record.id, record.recipients, counts, unreachable, done=done)
        payload = outbound_to_json(message)
        key = message.edit_key or ""
        for identity in await uow.people.identities(record.author_id):
            waiting = await uow.outbox.pending_with_key(identity.channel, identity.chat_id, key)
            if waiting is not None and await uow.outbox.replace_payload(waiting.id, payload):
                continue
            last = await uow.outbox.last_sent(identity.channel, identity.chat_id, key)
            if last is None or last.payload.get("text") != message.text:
                await uow.outbox.add(
                    identity.channel, identity.chat_id, payload, now, person_id=record.author_id, edit_key=key
                )
                updated += 1
        if done:
            await uow.broadcasts.set_status(record.id, "done", now)
    return updated
