"""What each job renders: gather the inputs in the database transaction, render later in a thread."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from cdht import reports  # the DOCX renderers: python-docx is imported when a job renders, in its thread
from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.context import Services
from cdht.handlers.exports.annual import annual_report_input
from cdht.handlers.exports.council import council_parts
from cdht.handlers.exports.data import LABEL as DATA_LABEL
from cdht.handlers.exports.data import RowProgress, plan_answer_table, write_answer_table
from cdht.handlers.exports.dossier import area_dossier, commune_dossier, evidence_records
from cdht.handlers.officer import progress_report
from cdht.handlers.officer.audit_view import audit_lines
from cdht.handlers.ports import JobRecord, ReportUnitOfWork, UnitRecord
from cdht.reports import charts
from cdht.reports.evidence.archive import evidence_index, evidence_layout, write_evidence_zip
from cdht.reports.inputs import CommuneDossier, EvidenceRecord
from cdht.reports.xlsx.annual import annual_report_workbook
from cdht.reports.xlsx.audit import audit_workbook
from cdht.reports.xlsx.commune import commune_workbook
from cdht.reports.xlsx.district import district_workbook
from cdht.scoring.vn_format import format_int

Render = Callable[[], bytes]
AREA = ("district", "province")
EXPORT_TIERS: dict[str, tuple[str, ...]] = {
    "xlsx": ("commune", *AREA),
    "totrinh": ("commune", *AREA),
    "baocao": ("commune", *AREA),
    "zip": ("commune", *AREA),
    "nam": AREA,
    "hoidong": ("commune", *AREA),
    "data": ("commune", *AREA),
}


@dataclass(frozen=True)
class Rendered:
    """Files to produce: (file name, caption, renderer). Renderers are pure and run off the event loop."""

    parts: tuple[tuple[str, str, Render], ...]
    is_picture: bool = False
    message: OutboundMessage | None = None  # a text result (a district's progress), sent before any file

    def files(self) -> list[tuple[str, bytes]]:
        return [(name, render()) for name, _, render in self.parts]

    def captions(self) -> list[str]:
        return [caption for _, caption, _ in self.parts]


class JobInputError(LookupError):
    pass


async def _dossier_evidence(uow: ReportUnitOfWork, job: JobRecord) -> list[EvidenceRecord] | None:
    """The evidence a dossier was sent with (its frozen list), not the unit's evidence of today."""
    dossier = await uow.dossiers.get(int(job.params["dossier"]))
    if dossier is None:
        return None
    listed = dossier.snapshot.get("evidence", [])
    return [
        EvidenceRecord(
            sha256=str(item["sha256"]),
            file_name=str(item.get("file_name") or ""),
            indicator_id=item.get("indicator"),
            caption=str(item.get("caption") or ""),
        )
        for item in (listed if isinstance(listed, list) else [])
        if isinstance(item, dict) and item.get("sha256")
    ]


def progress_key(job: JobRecord) -> str:
    """The edit key of a job's «⏳ Đang tạo …» message: its progress and its end edit it in place."""
    return f"export:{job.id}"


async def _answer_table(
    uow: ReportUnitOfWork,
    job: JobRecord,
    unit: UnitRecord,
    services: Services,
    today: date,
    progress: RowProgress,
) -> Rendered:
    """Every current answer of the unit's subtree, streamed into both files (see `exports.data`)."""
    year = int(job.params["year"])
    plan = await plan_answer_table(uow, unit, year)
    progress.total = plan.total
    book, table = io.BytesIO(), io.BytesIO()
    rows = await write_answer_table(
        uow, plan, book, table, timezone=services.timezone, created=today, advance=progress.advance
    )
    workbook, text = book.getvalue(), table.getvalue()
    counted = f"{format_int(rows)} câu trả lời của {format_int(len(plan.units))} đơn vị"
    return Rendered(
        (
            (
                f"{plan.stem}.xlsx",
                f"🧾 Toàn bộ câu trả lời năm {year} — {unit.name} (XLSX: {counted}; trang 2 dạng bảng ngang)",
                lambda: workbook,
            ),
            (
                f"{plan.stem}.csv",
                f"🧾 Toàn bộ câu trả lời năm {year} — {unit.name} (CSV, UTF-8, cùng các dòng)",
                lambda: text,
            ),
        ),
        message=OutboundMessage(
            text=f"✅ Đã tạo «{DATA_LABEL}» cho {unit.name}: {counted}.", edit_key=progress_key(job)
        ),
    )


async def render_job(
    uow: ReportUnitOfWork,
    job: JobRecord,
    services: Services,
    now: datetime,
    *,
    progress: RowProgress | None = None,
) -> Rendered:
    """What the job makes. `progress`: rows written so far, for a long export (the raw data) to report."""
    unit = await uow.units.by_code(str(job.params.get("unit")))
    if unit is None:
        raise JobInputError(f"unknown unit {job.params.get('unit')}")
    year = int(job.params["year"])
    today = services.local_date(now)
    validity = services.recognition_validity
    stem = f"{unit.code}-{year}"
    if job.kind == "progress":
        message = await progress_report.area_progress(
            uow, unit, year, today, validity, miniapp=services.miniapp
        )
        return Rendered((), message=message)
    if job.kind == "chart":
        if unit.tier == "commune":
            dossier = await commune_dossier(uow, unit, year, today, validity=validity)
            return Rendered(
                (
                    (
                        f"{stem}-thon.png",
                        f"📈 Tiến độ các thôn — {unit.name}",
                        lambda: charts.village_completion_chart(unit.name, year, dossier.villages),
                    ),
                    (
                        f"{stem}-tieuchi.png",
                        f"📊 Các tiêu chí — {unit.name}",
                        lambda: charts.criteria_status_chart(dossier.assessment),
                    ),
                ),
                is_picture=True,
            )
        area = await area_dossier(uow, unit, year, today, validity)
        communes = [c.assessment for c in area.child_dossiers()]
        return Rendered(
            (
                (
                    f"{stem}-tongquan.png",
                    f"🗺 Tổng quan các xã — {unit.name}",
                    lambda: charts.district_overview_chart(unit.name, year, communes),
                ),
                (
                    f"{stem}-tieuchi.png",
                    f"📊 Các tiêu chí — {unit.name}",
                    lambda: charts.criteria_status_chart(area.assessment),
                ),
            ),
            is_picture=True,
        )
    if job.kind == "audit":
        lines = await audit_lines(uow, unit, year)
        return Rendered(
            (
                (
                    f"{stem}-nhat-ky.xlsx",
                    f"🗂 Nhật ký thay đổi — {unit.name}",
                    lambda: audit_workbook(unit.name, year, lines),
                ),
            )
        )
    fmt = job.params.get("format")
    allowed_tiers = EXPORT_TIERS.get(str(fmt), ())
    if unit.tier not in allowed_tiers:
        raise JobInputError(f"{fmt} is not made for a {unit.tier}")
    if fmt == "data":
        return await _answer_table(uow, job, unit, services, today, progress or RowProgress())
    if fmt == "zip":
        records = await _dossier_evidence(uow, job) if "dossier" in job.params else None
        if records is None:
            records = await evidence_records(uow, unit, year)
        layout = evidence_layout(records)
        index = evidence_index(records)
        store = services.files
        return Rendered(
            (
                (
                    f"{stem}-minh-chung.zip",
                    f"🗜 Minh chứng — {unit.name}",
                    lambda: write_evidence_zip(layout, store.read_bytes, index),
                ),
            )
        )
    if fmt == "hoidong":  # the council's opinions and appraisal of the unit's dossier
        parts = await council_parts(uow, unit, year, stem, services.files)
        if isinstance(parts, str):
            return Rendered((), message=OutboundMessage(text=parts))
        return Rendered(parts)
    if fmt == "nam":
        report = await annual_report_input(
            uow,
            unit,
            year,
            today,
            validity,
            issuers=services.annual_issuers,
            recipients=services.annual_recipients,
            timezone=services.timezone,
        )
        return Rendered(
            (
                (
                    f"{stem}-bao-cao-nam.docx",
                    f"📑 Báo cáo kết quả đánh giá, công nhận “Cộng đồng học tập” cấp xã năm {year} — {unit.name}",
                    lambda: reports.annual_report_document(report),
                ),
                (
                    f"{stem}-bao-cao-nam.xlsx",
                    f"📑 Bảng số liệu kèm báo cáo năm {year} — {unit.name}",
                    lambda: annual_report_workbook(report),
                ),
            )
        )
    dossier_any = (
        await commune_dossier(uow, unit, year, today, validity=validity)
        if unit.tier == "commune"
        else await area_dossier(uow, unit, year, today, validity)
    )
    if fmt == "xlsx":
        workbook: Render = (
            partial(commune_workbook, dossier_any)
            if isinstance(dossier_any, CommuneDossier)
            else partial(district_workbook, dossier_any)
        )
        return Rendered(
            ((f"{stem}-bang-tong-hop.xlsx", f"📊 Bảng tổng hợp kết quả — {unit.name}", workbook),)
        )
    if fmt == "totrinh":
        return Rendered(
            (
                (
                    f"{stem}-to-trinh.docx",
                    f"📝 Dự thảo tờ trình — {unit.name}",
                    lambda: reports.request_letter(dossier_any),
                ),
            )
        )
    if fmt == "baocao":
        return Rendered(
            (
                (
                    f"{stem}-bao-cao-tu-danh-gia.docx",
                    f"📝 Dự thảo báo cáo tự đánh giá — {unit.name}",
                    lambda: reports.self_assessment_report(dossier_any),
                ),
            )
        )
    raise JobInputError(f"unknown job {job.kind}/{fmt}")
