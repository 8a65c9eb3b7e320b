"""The audit log as people read it: who changed what, when, from what to what, and why. The entries of one
import (9,400 for a province's answers) read in chat as one item: the file, its hash, who ran it, how many
changes and the first of them; the workbook sent with it (and `cdht audit --out`) holds every one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.admin import import_audit
from cdht.handlers.admin.import_audit import counted
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
    **import_audit.ACTIONS,
}
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
SHA256 = re.compile(r"\b([0-9a-f]{12})[0-9a-f]{52}\b")
EXAMPLES = 3  # changes of an import shown in chat


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return str(value)


def short(text: str) -> str:
    """A sha256 in a text cut to its first twelve digits: «sha256 ab12cd34ef56…»."""
    return SHA256.sub(r"\1…", text)


async def audit_lines(uow: ReportUnitOfWork, unit: UnitRecord, year: int) -> list[AuditRow]:
    units = {u.id: u for u in await uow.units.subtree(unit.id)}
    names = {q.id: q.name for qn in builtin_questionnaires().values() for q in qn.questions}
    people = {p.id: p.name for p in await uow.people.in_units(list(units))}
    lines = []
    for entry in await uow.audit.for_units(list(units), year):
        if entry.actor_id is not None and entry.actor_id not in people:
            actor = await uow.people.get(entry.actor_id)
            people[entry.actor_id] = actor.name if actor else "?"
        who = people.get(entry.actor_id or 0, "") or entry.actor_name or ""
        imported = entry.action in import_audit.ACTIONS
        lines.append(
            AuditRow(
                when=entry.created_at.astimezone(LOCAL),
                unit=units[entry.unit_id].name if entry.unit_id in units else "",
                who=who,
                action=ACTIONS.get(entry.action, entry.action),
                question=names.get(entry.question_id or "", entry.question_id or ""),
                old=_shown(entry.old_value),
                new=_shown(entry.new_value),
                reason=entry.reason or "",
                batch=f"{entry.created_at.isoformat()}|{who}|{entry.reason}" if imported else "",
                summary=entry.action == import_audit.SUMMARY,
            )
        )
    return lines


@dataclass
class AuditGroup:
    """One entry of the log, or every entry of one import: its changes and its summary (the file's counts)."""

    changes: list[AuditRow] = field(default_factory=list)
    summary: AuditRow | None = None

    @property
    def first(self) -> AuditRow:
        return self.summary or self.changes[0]

    @property
    def imported(self) -> bool:
        return bool(self.first.batch)

    def heading(self) -> str:
        """«Nhập từ tệp answers.csv (sha256 ab12cd34ef56…) bởi admin@may-chu»."""
        row = self.first
        return short(row.reason) + (f" bởi {row.who}" if row.who else "")

    def counts(self) -> str:
        """«9.400 thay đổi (Câu trả lời: đổi 9.400, không đổi 0; minh chứng: thêm 0)»."""
        told = f" ({self.summary.new})" if self.summary is not None and self.summary.new else ""
        return (f"{counted(len(self.changes))} thay đổi" if self.changes else "không có thay đổi") + told


def audit_groups(lines: Sequence[AuditRow]) -> list[AuditGroup]:
    """The lines in their order, each import's gathered where its first entry stands."""
    groups: list[AuditGroup] = []
    imports: dict[str, AuditGroup] = {}
    for line in lines:
        group = imports.get(line.batch) if line.batch else None
        if group is None:
            group = AuditGroup()
            groups.append(group)
            if line.batch:
                imports[line.batch] = group
        if line.summary and group.summary is None:
            group.summary = line
        else:
            group.changes.append(line)
    return groups


def change_text(line: AuditRow) -> str:
    """«Thôn Đông · «Số công dân»: 1.200 → 1.250», «Thôn Đông · nhập: thêm người: Lê Văn Ba (trưởng thôn, …)»."""
    if line.question:
        return f"{line.unit} · «{line.question}»: {line.old or '—'} → {line.new or '—'}"
    values = f": {line.old} → {line.new or '—'}" if line.old else (f": {line.new}" if line.new else "")
    return f"{line.unit} · {line.action}{values}"


def plain_text(line: AuditRow) -> str:
    return (
        f"{line.when:%d/%m %H:%M} · {line.unit} · {line.who} · {line.action}"
        + (f" «{line.question}»" if line.question else "")
        + (f": {line.old or '—'} → {line.new or '—'}" if line.old or line.new else "")
        + (f" ({line.reason})" if line.reason else "")
    )


def group_text(group: AuditGroup, examples: int = EXAMPLES) -> str:
    if not group.imported:
        return plain_text(group.first)
    shown = [f"   – {change_text(line)}" for line in group.changes[:examples]]
    if len(group.changes) > examples:
        shown.append(f"   … và {counted(len(group.changes) - examples)} thay đổi khác (xem tệp đầy đủ).")
    return "\n".join([f"{group.first.when:%d/%m %H:%M} · 📥 {group.heading()}: {group.counts()}", *shown])


async def audit_text(uow: ReportUnitOfWork, unit: UnitRecord, year: int, limit: int = 20) -> OutboundMessage:
    lines = await audit_lines(uow, unit, year)
    if not lines:
        return OutboundMessage(text=f"🗂 Nhật ký năm {year} — {unit.name}: chưa có thay đổi nào.")
    groups = audit_groups(lines)[-limit:]
    gathered = "; mỗi lần nhập tệp gộp thành một mục" if any(group.imported for group in groups) else ""
    header = (
        f"🗂 Nhật ký năm {year} — {unit.name} ({counted(len(lines))} mục; {len(groups)} mục mới nhất{gathered}, "
        "tệp đầy đủ sẽ gửi kèm):"
    )
    return OutboundMessage(text="\n".join([header, *(group_text(group) for group in groups)]))
