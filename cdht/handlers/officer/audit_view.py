"""The audit log as people read it: who changed what, when, from what to what, and why."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.ports import ReportUnitOfWork, UnitRecord
from cdht.reports.xlsx.audit import AuditRow

ACTIONS = {
    "answer": "trả lời",
    "reopen": "mở lại để sửa",
    "approve": "duyệt",
    "return": "trả lại",
    "recognition": "ghi quyết định công nhận",
    "invite": "tạo mã mời",
    "invite_used": "dùng mã mời",
    "relink": "chuyển liên kết tài khoản",
    "deactivate": "khoá quyền dùng bot",
    "reactivate": "mở khoá quyền dùng bot",
    "official_unit_added": "thêm đơn vị theo danh mục hành chính",
    "official_unit_renamed": "đổi tên theo danh mục hành chính",
    "official_unit_attached": "đặt vào tỉnh theo danh mục hành chính",
}
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return str(value)


async def audit_lines(uow: ReportUnitOfWork, unit: UnitRecord, year: int) -> list[AuditRow]:
    units = {u.id: u for u in await uow.units.subtree(unit.id)}
    names = {q.id: q.name for qn in builtin_questionnaires().values() for q in qn.questions}
    people = {p.id: p.name for p in await uow.people.in_units(list(units))}
    lines = []
    for entry in await uow.audit.for_units(list(units), year):
        if entry.actor_id is not None and entry.actor_id not in people:
            actor = await uow.people.get(entry.actor_id)
            people[entry.actor_id] = actor.name if actor else "?"
        lines.append(
            AuditRow(
                when=entry.created_at.astimezone(LOCAL),
                unit=units[entry.unit_id].name if entry.unit_id in units else "",
                who=people.get(entry.actor_id or 0, ""),
                action=ACTIONS.get(entry.action, entry.action),
                question=names.get(entry.question_id or "", entry.question_id or ""),
                old=_shown(entry.old_value),
                new=_shown(entry.new_value),
                reason=entry.reason or "",
            )
        )
    return lines


async def audit_text(uow: ReportUnitOfWork, unit: UnitRecord, year: int, limit: int = 20) -> OutboundMessage:
    lines = await audit_lines(uow, unit, year)
    if not lines:
        return OutboundMessage(text=f"🗂 Nhật ký năm {year} — {unit.name}: chưa có thay đổi nào.")
    shown = [
        f"{line.when:%d/%m %H:%M} · {line.unit} · {line.who} · {line.action}"
        + (f" «{line.question}»" if line.question else "")
        + (f": {line.old or '—'} → {line.new or '—'}" if line.old or line.new else "")
        + (f" ({line.reason})" if line.reason else "")
        for line in lines[-limit:]
    ]
    header = f"🗂 Nhật ký năm {year} — {unit.name} ({len(lines)} mục; {min(limit, len(lines))} mục mới nhất, tệp đầy đủ sẽ gửi kèm):"
    return OutboundMessage(text="\n".join([header, *shown]))
