"""The audit log as a workbook: one row per change, text always written as text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from cdht.reports.xlsx.base import workbook

HEADERS = (
    "Thời gian",
    "Đơn vị",
    "Người thực hiện",
    "Thao tác",
    "Câu hỏi / chỉ tiêu",
    "Giá trị cũ",
    "Giá trị mới",
    "Lý do",
)
WIDTHS = (17, 24, 22, 18, 36, 18, 18, 36)


@dataclass(frozen=True)
class AuditRow:
    when: datetime
    unit: str
    who: str
    action: str
    question: str
    old: str
    new: str
    reason: str
    batch: str = ""  # the entries of one import share it (the audit view groups them); "" for the others
    summary: bool = False  # an import's summary entry (the file, its hash, the counts)


def audit_workbook(unit_name: str, year: int, rows: Sequence[AuditRow], created: date | None = None) -> bytes:
    stamp = created or (rows[-1].when.date() if rows else date(year, 12, 31))
    with workbook(stamp, f"Nhật ký thay đổi {unit_name} {year}") as (add_sheet, buffer):
        sheet = add_sheet("Nhật ký")
        sheet.title(0, len(HEADERS) - 1, f"NHẬT KÝ THAY ĐỔI SỐ LIỆU NĂM {year} — {unit_name}")
        sheet.header(2, HEADERS, WIDTHS)
        for index, row in enumerate(rows, start=3):
            sheet.text(index, 0, f"{row.when:%d/%m/%Y %H:%M}")
            for col, value in enumerate(
                (row.unit, row.who, row.action, row.question, row.old, row.new, row.reason), 1
            ):
                sheet.text(index, col, value)
    return buffer.getvalue()
