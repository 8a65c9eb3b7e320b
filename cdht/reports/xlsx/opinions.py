"""The council's written opinions on a dossier as a workbook (TT 25/2023 Điều 9.2.c): one row per member and
criterion, text always written as text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from cdht.reports.xlsx.base import workbook

HEADERS = ("Thành viên", "Vai trò", "Tiêu chí", "Ý kiến", "Nhận xét", "Thời gian")
WIDTHS = (26, 18, 40, 16, 48, 17)


@dataclass(frozen=True)
class OpinionRow:
    member: str
    role: str  # in Vietnamese: chủ tịch, thư ký, ủy viên
    criterion: str
    agrees: bool
    comment: str
    when: datetime


def opinions_workbook(
    unit_name: str, year: int, dossier_id: int, rows: Sequence[OpinionRow], created: date | None = None
) -> bytes:
    stamp = created or (max(row.when for row in rows).date() if rows else date(year + 1, 1, 1))
    with workbook(stamp, f"Ý kiến Hội đồng {unit_name} {year}") as (add_sheet, buffer):
        sheet = add_sheet("Ý kiến Hội đồng")
        sheet.title(
            0,
            len(HEADERS) - 1,
            f"Ý KIẾN BẰNG VĂN BẢN CỦA HỘI ĐỒNG — {unit_name} — năm {year} (hồ sơ #{dossier_id})",
        )
        sheet.header(2, HEADERS, WIDTHS)
        for index, row in enumerate(rows, start=3):
            values = (
                row.member,
                row.role,
                row.criterion,
                "Đồng ý" if row.agrees else "Không đồng ý",
                row.comment,
                f"{row.when:%d/%m/%Y %H:%M}",
            )
            for col, value in enumerate(values):
                sheet.text(index, col, value)
    return buffer.getvalue()
