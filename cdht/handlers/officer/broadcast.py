"""/thongbao: compose, choose the audience, preview, confirm; then a live progress message with a cancel button.
Every message goes through the outbox with a dedupe key: rate limits apply, a restart resumes, nobody gets two."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from cdht.conversations.inbound import Command, Inbound, Media, Text
from cdht.conversations.outbound import Button, OutboundMessage
from cdht.handlers.context import Services
from cdht.handlers.flows import Attachment, AudienceRole, BroadcastFlow, set_flow
from cdht.handlers.officer.unfinished import unfinished_people
from cdht.handlers.ports import (
    BroadcastRecord,
    IdentityRecord,
    Lane,
    PersonRecord,
    QueuedMessage,
    UnitOfWork,
    UnitOfWorkFactory,
    file_ref,
)
from cdht.handlers.scope import unit_in_scope, units_in_scope
from cdht.handlers.wire import outbound_to_json

ROLE_CHOICES: dict[AudienceRole, str] = {
    "all": "Tất cả mọi người",
    "village_head": "Trưởng thôn",
    "commune_officer": "Cán bộ xã",
    "district_admin": "Quản trị cấp huyện",
}
CANCEL = Button("❌ Hủy", Command("huy"))
PAGE = 200  # recipients queued in one transaction (about 40 ms of the loop on SQLite)


def _step(value: str, label: str) -> Button:
    return Button(label, Command("tb", value))


async def start(uow: UnitOfWork, author: PersonRecord, now: datetime) -> OutboundMessage:
    await set_flow(uow, author, BroadcastFlow(), now)
    return OutboundMessage(
        text="📣 Soạn thông báo: gõ nội dung (có thể gửi kèm một ảnh hoặc tệp, chú thích là nội dung).",
        buttons=((CANCEL,),),
    )


async def step(
    uow: UnitOfWork,
    author: PersonRecord,
    flow: BroadcastFlow,
    inbound: Inbound,
    now: datetime,
    services: Services,
) -> OutboundMessage:
    year = services.year
    action = inbound.arg or "" if isinstance(inbound, Command) and inbound.name == "tb" else ""
    kind, _, value = action.partition(":")
    if flow.step == "text":
        if isinstance(inbound, Text) and inbound.text.strip():
            flow = flow.model_copy(update={"text": inbound.text.strip()[:3500]})
        elif isinstance(inbound, Media) and inbound.sha256:
            attachment = Attachment(sha256=inbound.sha256, kind=inbound.kind, name=inbound.file_name)
            flow = flow.model_copy(
                update={"text": (inbound.caption or "").strip()[:1000], "attachment": attachment}
            )
        else:
            return OutboundMessage(
                text="Xin gõ nội dung thông báo, hoặc gửi một ảnh/tệp.", buttons=((CANCEL,),)
            )
        await set_flow(uow, author, flow.model_copy(update={"step": "role"}), now)
        buttons = tuple((_step(f"role:{code}", label),) for code, label in ROLE_CHOICES.items())
        return OutboundMessage(text="Gửi cho ai?", buttons=(*buttons, (CANCEL,)))
    if flow.step == "role" and kind == "role" and value in ROLE_CHOICES:
        await set_flow(uow, author, flow.model_copy(update={"role": value, "step": "unit"}), now)
        units = [u for u in await units_in_scope(uow, author) if u.tier != "village"][:20]
        buttons = tuple((_step(f"unit:{u.code}", f"🏛 {u.name}"),) for u in units)
        return OutboundMessage(
            text="Trong đơn vị nào (gồm mọi đơn vị trực thuộc)?", buttons=(*buttons, (CANCEL,))
        )
    if flow.step == "unit" and kind == "unit" and await unit_in_scope(uow, author, value):
        await set_flow(uow, author, flow.model_copy(update={"unit": value, "step": "unfinished"}), now)
        choices = ((_step("unf:0", "Tất cả"),), (_step("unf:1", "Chỉ người chưa trả lời xong"),), (CANCEL,))
        return OutboundMessage(text="Gửi cho tất cả, hay chỉ người chưa trả lời xong?", buttons=choices)
    if flow.step == "unfinished" and kind == "unf":
        flow = flow.model_copy(update={"unfinished": value == "1", "step": "confirm"})
        await set_flow(uow, author, flow, now)
        audience = _audience(draft(flow))
        count = await services.long_read(uow, lambda reader: count_recipients(reader, author, audience, year))
        text = f"Xem trước:\n———\n{flow.text}\n———\nSẽ gửi tới {count} người."
        return OutboundMessage(text=text, buttons=((_step("send:", "✅ Gửi"), CANCEL),))
    if flow.step == "confirm" and kind == "send":
        audience = _audience(draft(flow))
        total = await services.long_read(uow, lambda reader: count_recipients(reader, author, audience, year))
        return await send(uow, author, draft(flow), now, year, total=total)
    return OutboundMessage(text="Xin chọn một trong các nút bên dưới, hoặc gõ /huy để hủy.")


def draft(flow: BroadcastFlow) -> dict[str, Any]:
    """The broadcast a finished flow composed, as `send` takes it."""
    return flow.model_dump(mode="json", include={"text", "role", "unit", "unfinished", "attachment"})


async def _units(uow: UnitOfWork, author: PersonRecord, audience: dict[str, Any]) -> list[int]:
    """The units the audience lives in: the chosen unit (if in the author's scope) and all below it."""
    unit = await unit_in_scope(uow, author, audience.get("unit"))
    return [] if unit is None else [u.id for u in await uow.units.subtree(unit.id)]


async def _page(
    uow: UnitOfWork,
    author: PersonRecord,
    audience: dict[str, Any],
    year: int,
    units: list[int],
    after_id: int,
) -> tuple[list[tuple[PersonRecord, list[IdentityRecord]]], int]:
    """One page of the audience after person `after_id`: the recipients with their accounts, and the last
    person id looked at (0 when this page is the last). A few queries, whatever the page holds."""
    if not units:
        return [], 0
    role = audience.get("role") or "all"
    people = await uow.people.page_in_units(
        units, after_id=after_id, limit=PAGE, role=None if role == "all" else role
    )
    last = people[-1].id if len(people) == PAGE else 0
    people = [p for p in people if p.id != author.id and p.reachable]  # blocked the bot: not counted
    if audience.get("unfinished"):
        people = await unfinished_people(uow, people, year)
    accounts = await uow.people.identities_of([p.id for p in people])
    return [(p, accounts[p.id]) for p in people if p.id in accounts], last


async def count_recipients(uow: UnitOfWork, author: PersonRecord, audience: dict[str, Any], year: int) -> int:
    """How many people the broadcast would reach: one query, or for "only those who have not finished" a
    page at a time (what is missing is worked out per person; run it with `Services.long_read`)."""
    units = await _units(uow, author, audience)
    if not audience.get("unfinished"):
        role = audience.get("role") or "all"
        return await uow.people.count_reachable(
            units, role=None if role == "all" else role, besides=author.id
        )
    total, after = 0, 0
    while True:
        page, after = await _page(uow, author, audience, year, units, after)
        total += len(page)
        if not after:
            return total
        await asyncio.sleep(0)  # a page at a time: other chats are served in between


async def send(
    uow: UnitOfWork,
    author: PersonRecord,
    broadcast: Mapping[str, Any],
    now: datetime,
    year: int,
    *,
    total: int | None = None,
) -> OutboundMessage:
    """Record the broadcast and queue its first page of recipients; `fan_out` queues the rest, a page per
    transaction, so a broadcast to ten thousand people never holds the database or the event loop.
    `broadcast`: its text, audience (role, unit, unfinished) and attachment (sha256, kind, name), as the /thongbao
    flow (`draft`) or the command line composes it. `total`: the recipients, counted already (off the loop)."""
    audience = _audience(broadcast)
    if total is None:
        total = await count_recipients(uow, author, audience, year)
    attachment = broadcast.get("attachment") or {}
    record = await uow.broadcasts.add(
        BroadcastRecord(
            author_id=author.id,
            text=broadcast["text"],
            audience=audience,
            status="queuing",
            created_at=now,
            attachment_sha256=attachment.get("sha256"),
            attachment_name=attachment.get("name"),
            attachment_kind=attachment.get("kind"),
            recipients=total,
        )
    )
    await queue_page(uow, record, author, now, year)
    await set_flow(uow, author, None, now)
    return progress_message(record.id, total, {}, 0, done=False)


async def queue_page(
    uow: UnitOfWork,
    record: BroadcastRecord,
    author: PersonRecord,
    now: datetime,
    year: int,
    units: list[int] | None = None,
) -> bool:
    """Queue the next page of a broadcast's recipients (bulk lane, each message at most once); True when
    every recipient is queued, or the broadcast stopped being queued. `units`: the audience's, if known."""
    if units is None:
        units = await _units(uow, author, record.audience)
    page, last = await _page(uow, author, record.audience, year, units, record.queued_through)
    message = outbound_to_json(_message(record))
    await uow.outbox.add_unless_queued(
        [
            QueuedMessage(
                identity.channel,
                identity.chat_id,
                message,
                lane=Lane.BULK,
                person_id=person.id,
                dedupe_key=f"b{record.id}:{person.id}:{identity.channel}:0",
                broadcast_id=record.id,
            )
            for person, accounts in page
            for identity in accounts
        ],
        now,
    )
    through = last or record.queued_through
    still_queuing = await uow.broadcasts.queued_through(record.id, through, now, done=not last)
    return not last or not still_queuing


async def fan_out(
    uow_factory: UnitOfWorkFactory,
    clock: Callable[[], datetime],
    year: int,
    *,
    on_page: Callable[[BroadcastRecord], None] | None = None,
) -> int:
    """Queue the rest of every broadcast still being queued, a page per transaction (a restart goes on from
    the stored cursor; the dedupe keys make a repeated page harmless). Returns the pages queued."""
    pages = 0
    units: dict[int, list[int]] = {}  # each broadcast's audience units, found once per call
    while True:
        async with uow_factory() as uow:
            queuing = [b for b in await uow.broadcasts.active() if b.status == "queuing"]
            if not queuing:
                return pages
            record = queuing[0]
            author = await uow.people.get(record.author_id)
            if author is None:
                await uow.broadcasts.set_status(record.id, "cancelled", clock())
            else:
                if record.id not in units:
                    units[record.id] = await _units(uow, author, record.audience)
                await queue_page(uow, record, author, clock(), year, units[record.id])
            await uow.commit()
        pages += 1
        if on_page is not None:
            on_page(record)
        await asyncio.sleep(0)


def _audience(broadcast: Mapping[str, Any]) -> dict[str, Any]:
    return {k: broadcast.get(k) for k in ("role", "unit", "unfinished")}


def _message(record: BroadcastRecord) -> OutboundMessage:
    kind = record.attachment_kind
    stored = None
    if record.attachment_sha256:
        name = record.attachment_name or ("anh.jpg" if kind == "photo" else "tep")
        stored = file_ref(record.attachment_sha256, name)
    return OutboundMessage(
        text=f"📣 Thông báo:\n{record.text}" if record.text else "📣 Thông báo",
        attachment=stored,
        attachment_kind="photo" if kind == "photo" else ("document" if kind and stored else None),
    )


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
        done = record.status == "sending" and counts.get("pending", 0) == 0
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
