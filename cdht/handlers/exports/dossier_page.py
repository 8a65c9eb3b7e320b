"""The Mini App's dossier page: the files a unit's dossier is made of, asked for as /baocao and /xuat do (the
jobs runner renders them and also sends them in chat), and the person's recent ones to download."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cdht.handlers.exports.jobs import EXPORT_FORMATS, LABELS, queue_job, safe_name
from cdht.handlers.ports import ExportRequestUnitOfWork, JobRecord, PersonRecord, ScopeUnitOfWork, UnitRecord
from cdht.handlers.scope import unit_in_scope

EXPORT = "export"
STATUS_LABELS = {
    "pending": "⏳ đang chờ",
    "running": "⏳ đang tạo",
    "done": "✅ đã xong",
    "failed": "⚠️ chưa tạo được",
}
# The first file each format renders (`renderings.render_job`): the one a job keeps as its result.
SUFFIXES = {
    "xlsx": ".xlsx",
    "totrinh": ".docx",
    "baocao": ".docx",
    "zip": ".zip",
    "nam": ".docx",
    "hoidong": ".xlsx",
    "data": ".xlsx",
}
SCANNED = 200  # a person's newest export jobs searched for those of one unit and year
NOT_FOR_UNIT = "Loại tệp này không có cho đơn vị đã chọn."


class ExportRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DossierPageUnitOfWork(ExportRequestUnitOfWork, ScopeUnitOfWork, Protocol):
    """Asking for exports and reading them back, within the person's scope."""


@dataclass(frozen=True)
class ExportChoice:
    format: str
    label: str


@dataclass(frozen=True)
class ExportJob:
    id: int
    format: str
    label: str
    status: str
    status_label: str
    created_at: datetime
    file_sha256: str | None  # when done with a file


def export_choices(unit: UnitRecord) -> tuple[ExportChoice, ...]:
    """The files /baocao offers for this unit's tier, in its order."""
    return tuple(
        ExportChoice(fmt, label) for fmt, (label, tiers) in EXPORT_FORMATS.items() if unit.tier in tiers
    )


async def request_export(
    uow: ExportRequestUnitOfWork,
    person: PersonRecord,
    unit: UnitRecord,
    fmt: str,
    year: int,
    channel: str,
    now: datetime,
) -> JobRecord:
    """Queue the export as /xuat does; `ExportRefused` for a format not made for the unit's tier."""
    spec = EXPORT_FORMATS.get(fmt)
    if spec is None or unit.tier not in spec[1]:
        raise ExportRefused(NOT_FOR_UNIT)
    return await queue_job(
        uow, person, EXPORT, {"unit": unit.code, "year": year, "format": fmt}, channel, now
    )


async def recent_exports(
    uow: ExportRequestUnitOfWork, person: PersonRecord, unit: UnitRecord, year: int, limit: int = 10
) -> tuple[ExportJob, ...]:
    """The exports this person asked for of this unit and year, newest first."""
    jobs = await uow.jobs.for_person(person.id, EXPORT, limit=SCANNED)
    mine = [job for job in jobs if job.params.get("unit") == unit.code and job.params.get("year") == year]
    return tuple(_shown(job) for job in mine[:limit])


async def export_file(
    uow: DossierPageUnitOfWork, person: PersonRecord, job_id: int
) -> tuple[JobRecord, str] | None:
    """The export job with its download name, when this person asked for it, its unit is still theirs to see
    and its file was made; None otherwise (the page answers 404 whichever it is)."""
    job = await uow.jobs.get(job_id)
    if (
        job is None
        or job.kind != EXPORT
        or job.requested_by != person.id
        or job.status != "done"
        or not job.result_path
    ):
        return None
    code = str(job.params.get("unit") or "")
    if not code or await unit_in_scope(uow, person, code) is None:
        return None
    return job, download_name(job)


def download_name(job: JobRecord) -> str:
    """«42-demo-sh-x1-2025-bang-tong-hop-ket-qua.xlsx»: the job's number (as in chat), whose, what; its suffix
    names the media type (`media_type`)."""
    fmt = str(job.params.get("format"))
    label = re.sub(r"\s*\([^)]*\)\s*$", "", LABELS.get(fmt, "tep"))  # «(XLSX)»: the suffix says it
    whose = f"{job.params.get('unit', '')} {job.params.get('year', '')}"
    return f"{job.id}-{safe_name(f'{whose} {label}')}{SUFFIXES.get(fmt, '')}"


def _shown(job: JobRecord) -> ExportJob:
    fmt = str(job.params.get("format"))
    return ExportJob(
        id=job.id,
        format=fmt,
        label=LABELS.get(fmt, fmt),
        status=job.status,
        status_label=STATUS_LABELS.get(job.status, job.status),
        created_at=job.created_at,
        file_sha256=job.result_path if job.status == "done" and job.result_path else None,
    )
