"""The receiving office (Phòng GD&ĐT for a commune, one tier up Sở GD&ĐT; TT25 Điều 9.2.a, 14.2.a): its queue of
dossiers received, each with the completeness checks, and its two actions: mark it checked («đã kiểm tra, đủ hồ
sơ») or return it with reasons. The unit that sent it is told either way; every step is audited."""

from __future__ import annotations

from datetime import date, datetime

from cdht.conversations.inbound import Command
from cdht.conversations.outbound import Button, OutboundMessage
from cdht.handlers.context import Services
from cdht.handlers.flows import DossierReturnFlow, set_flow
from cdht.handlers.notify import notify
from cdht.handlers.ports import AuditRecord, DossierRecord, PersonRecord, UnitOfWork, UnitRecord
from cdht.handlers.procedure.rules import DOCUMENT_KINDS, STAGE_NAMES, is_office, send_deadline

NOT_FOUND = OutboundMessage(
    text="Không tìm thấy hồ sơ này trong các hồ sơ anh/chị tiếp nhận. Gõ /hoso để xem danh sách."
)
MAX_REASONS = 2000


def checks(dossier: DossierRecord, unit: UnitRecord, today_of_sending: date) -> list[tuple[bool, str]]:
    """The completeness checks: the three documents, the evidence every passed «yes» needs, the date sent."""
    kinds = {d.kind for d in dossier.documents}
    result = [(kind in kinds, f"{label}") for kind, label in DOCUMENT_KINDS.items()]
    missing: list[str] = []
    level = (dossier.snapshot.get("assessment") or {}).get("levels", {}).get(str(dossier.level), {})
    for criterion in level.get("criteria", []):
        for indicator in criterion.get("indicators", []):
            if indicator.get("status") == "no_evidence":
                missing.append(str(indicator.get("id")))
    evidence = len(dossier.snapshot.get("evidence") or [])
    if missing:
        result.append((False, f"Minh chứng: còn thiếu ở chỉ tiêu {', '.join(missing)}"))
    else:
        result.append((True, f"Minh chứng cho các chỉ tiêu đạt ({evidence} tệp)"))
    deadline = send_deadline(unit.tier, dossier.year)
    if deadline is not None:
        on_time = today_of_sending <= deadline
        result.append(
            (
                on_time,
                f"Gửi ngày {today_of_sending:%d/%m/%Y} ({'trong' if on_time else 'quá'} hạn {deadline:%d/%m/%Y})",
            )
        )
    return result


async def _own(
    uow: UnitOfWork, person: PersonRecord, dossier_id: str | None
) -> tuple[DossierRecord, UnitRecord] | None:
    if not dossier_id or not dossier_id.strip().isdigit():
        return None
    dossier = await uow.dossiers.get(int(dossier_id.strip()))
    if dossier is None or not is_office(person, dossier):
        return None
    unit = await uow.units.get(dossier.unit_id)
    return None if unit is None else (dossier, unit)


async def queue(uow: UnitOfWork, person: PersonRecord, services: Services) -> OutboundMessage:
    if person.role not in ("district_admin", "province_admin"):
        return OutboundMessage(text="Xin lỗi, danh sách hồ sơ chỉ dành cho cơ quan tiếp nhận.")
    year = services.year
    received = [d for d in await uow.dossiers.for_receiver(person.unit_id, year) if is_office(person, d)]
    if not received:
        return OutboundMessage(
            text=f"Chưa có hồ sơ đề nghị công nhận năm {year} nào gửi đến đơn vị của anh/chị."
        )
    latest: dict[int, DossierRecord] = {}
    for dossier in received:  # by id: a unit's newest sending wins, the returned ones stay as history
        latest[dossier.unit_id] = dossier
    units = {u.id: u for u in await uow.units.subtree(person.unit_id)}
    lines = [f"📥 Hồ sơ đề nghị công nhận năm {year}:"]
    buttons = []
    for dossier in latest.values():
        unit = units.get(dossier.unit_id)
        name = unit.name if unit else f"đơn vị #{dossier.unit_id}"
        lines.append(
            f"• #{dossier.id} {name} — mức độ {dossier.level}, gửi {services.local_date(dossier.sent_at):%d/%m/%Y}: "
            f"{STAGE_NAMES[dossier.stage]}"
        )
        buttons.append((Button(f"#{dossier.id} {name}", Command("hs_xem", str(dossier.id))),))
    return OutboundMessage(text="\n".join(lines), buttons=tuple(buttons))


async def show(uow: UnitOfWork, person: PersonRecord, arg: str | None, services: Services) -> OutboundMessage:
    found = await _own(uow, person, arg)
    if found is None:
        return NOT_FOUND
    dossier, unit = found
    meeting = dossier.meeting
    lines = [
        f"📄 Hồ sơ #{dossier.id} — {unit.name}, mức độ {dossier.level} năm {dossier.year}: {STAGE_NAMES[dossier.stage]}.",
        f"Cuộc họp ngày {meeting.held_on:%d/%m/%Y}, chủ trì: {meeting.chair}; thống nhất mức độ {meeting.agreed_level}.",
        "Kiểm tra hồ sơ:",
    ]
    lines += [
        f"{'✅' if ok else '❌'} {text}"
        for ok, text in checks(dossier, unit, services.local_date(dossier.sent_at))
    ]
    if dossier.reasons:
        lines.append(f"Lý do trả lại: {dossier.reasons}")
    lines.append(f"Mã băm hồ sơ: {dossier.content_hash[:16]}")
    buttons: tuple[tuple[Button, ...], ...] = ()
    if dossier.stage == "sent":
        buttons = (
            (
                Button("✅ Đã kiểm tra, đủ hồ sơ", Command("hs_ok", str(dossier.id))),
                Button("↩️ Trả lại", Command("hs_tralai", str(dossier.id))),
            ),
        )
    return OutboundMessage(text="\n".join(lines), buttons=buttons)


async def _tell_unit(uow: UnitOfWork, dossier: DossierRecord, text: str, now: datetime, key: str) -> None:
    people = [p for p in await uow.people.in_units([dossier.unit_id]) if p.role != "village_head"]
    await notify(uow, people, [OutboundMessage(text=text)], now, dedupe=f"{key}:{dossier.id}")


async def mark_checked(
    uow: UnitOfWork, person: PersonRecord, arg: str | None, now: datetime, services: Services
) -> OutboundMessage:
    found = await _own(uow, person, arg)
    if found is None:
        return NOT_FOUND
    dossier, unit = found
    if dossier.stage != "sent":
        return OutboundMessage(
            text=f"Hồ sơ #{dossier.id} hiện {STAGE_NAMES[dossier.stage]}; không cần kiểm tra lại."
        )
    await uow.dossiers.set_stage(dossier.id, "checked", now)
    await uow.audit.add(
        AuditRecord(
            "dossier_checked",
            now,
            unit.id,
            dossier.year,
            person.id,
            new_value=f"hồ sơ #{dossier.id}: đủ hồ sơ",
        )
    )
    await _tell_unit(
        uow,
        dossier,
        f"✅ Hồ sơ đề nghị công nhận mức độ {dossier.level} năm {dossier.year} của {unit.name} đã được tiếp nhận, "
        "kiểm tra: đủ hồ sơ. Hồ sơ sẽ được Hội đồng đánh giá thẩm định.",
        now,
        "dossier-checked",
    )
    return OutboundMessage(
        text=f"✅ Đã ghi: hồ sơ #{dossier.id} của {unit.name} đã kiểm tra, đủ hồ sơ. Đã báo cho đơn vị."
    )


async def start_return(
    uow: UnitOfWork, person: PersonRecord, arg: str | None, now: datetime
) -> OutboundMessage:
    found = await _own(uow, person, arg)
    if found is None:
        return NOT_FOUND
    dossier, unit = found
    if dossier.stage not in ("sent", "checked"):
        return OutboundMessage(
            text=f"Hồ sơ #{dossier.id} hiện {STAGE_NAMES[dossier.stage]}; không trả lại được."
        )
    await set_flow(uow, person, DossierReturnFlow(dossier=dossier.id), now)
    return OutboundMessage(
        text=f"↩️ Trả lại hồ sơ #{dossier.id} của {unit.name}. Xin gõ lý do (thiếu gì, cần sửa gì). Gõ /huy để hủy."
    )


async def finish_return(
    uow: UnitOfWork, person: PersonRecord, flow: DossierReturnFlow, text: str, now: datetime
) -> OutboundMessage:
    found = await _own(uow, person, str(flow.dossier))
    if found is None:
        await set_flow(uow, person, None, now)
        return NOT_FOUND
    dossier, unit = found
    if not text:
        return OutboundMessage(text="Xin gõ lý do trả lại. Gõ /huy để hủy.")
    if len(text) > MAX_REASONS:
        return OutboundMessage(text=f"Lý do dài quá (tối đa {MAX_REASONS} ký tự). Xin gõ ngắn gọn hơn.")
    if dossier.stage not in ("sent", "checked"):
        await set_flow(uow, person, None, now)
        return OutboundMessage(
            text=f"Hồ sơ #{dossier.id} hiện {STAGE_NAMES[dossier.stage]}; không trả lại được."
        )
    await uow.dossiers.set_stage(dossier.id, "returned", now, reasons=text)
    await uow.audit.add(
        AuditRecord(
            "dossier_returned",
            now,
            unit.id,
            dossier.year,
            person.id,
            new_value=f"hồ sơ #{dossier.id}",
            reason=text,
        )
    )
    await set_flow(uow, person, None, now)
    await _tell_unit(
        uow,
        dossier,
        f"↩️ Hồ sơ đề nghị công nhận mức độ {dossier.level} năm {dossier.year} của {unit.name} bị trả lại.\n"
        f"Lý do: {text}\nXin bổ sung, sửa rồi gõ /guihoso để gửi lại.",
        now,
        "dossier-returned",
    )
    return OutboundMessage(text=f"↩️ Đã trả lại hồ sơ #{dossier.id} của {unit.name} và báo cho đơn vị.")
