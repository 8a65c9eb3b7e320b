"""Background jobs: exports and charts are rendered off the event loop, kept in the file store and delivered
through the outbox, which names each file by its id in the store, so the bot never waits for a workbook and
any worker may send what another rendered. A job left running by a dead worker is picked up again."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import structlog

from cdht.conversations.outbound import FileRef, OutboundMessage
from cdht.conversations.parsing.folding import fold
from cdht.handlers.context import Services
from cdht.handlers.exports.data import LABEL as DATA_LABEL
from cdht.handlers.exports.data import RowProgress
from cdht.handlers.exports.renderings import EXPORT_TIERS, Rendered, progress_key, render_job
from cdht.handlers.facts_loader import UnitTreeError
from cdht.handlers.ports import (
    ExportRequestUnitOfWork,
    FileStore,
    JobRecord,
    PersonRecord,
    UnitOfWork,
    UnitOfWorkFactory,
    file_ref,
)
from cdht.handlers.wire import outbound_to_json
from cdht.scoring.vn_format import format_int

log = structlog.get_logger(__name__)

LABELS = {
    "xlsx": "Bảng tổng hợp kết quả (XLSX)",
    "totrinh": "Tờ trình đề nghị công nhận (DOCX)",
    "baocao": "Báo cáo tự đánh giá (DOCX)",
    "zip": "Minh chứng theo tiêu chí (ZIP)",
    "nam": "Báo cáo kết quả đánh giá, công nhận “Cộng đồng học tập” cấp xã (tháng 5; DOCX + XLSX)",
    "hoidong": "Ý kiến Hội đồng và báo cáo thẩm định (XLSX + DOCX)",
    "data": DATA_LABEL,
}
EXPORT_FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    fmt: (LABELS[fmt], EXPORT_TIERS[fmt]) for fmt in LABELS
}
STALE_AFTER = timedelta(minutes=15)
PROGRESS_EVERY = 3.0  # seconds between edits of a long export's «⏳ Đang tạo …» message
REPORTS_PROGRESS = frozenset({"data"})  # the export formats that report rows written while they run


async def queue_job(
    uow: ExportRequestUnitOfWork,
    person: PersonRecord,
    kind: str,
    params: dict[str, Any],
    channel: str,
    now: datetime,
) -> JobRecord:
    chat = next((i.chat_id for i in await uow.people.identities(person.id) if i.channel == channel), None)
    return await uow.jobs.add(
        JobRecord(
            kind=kind,
            params=params,
            status="pending",
            created_at=now,
            requested_by=person.id,
            channel=channel,
            chat_id=chat,
        )
    )


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", fold(text)).strip("-")[:80] or "tep"


async def run_next_job(
    uow_factory: UnitOfWorkFactory, services: Services, clock: Callable[[], datetime]
) -> int | None:
    """Run one pending job; returns its id, or None when the queue is empty."""
    async with uow_factory() as uow:
        await uow.jobs.requeue_stale(clock() - STALE_AFTER)
        job = await uow.jobs.claim_next()
        await uow.commit()
    if job is None:
        return None
    work: Rendered | None = None
    progress = RowProgress()
    ticker = (
        asyncio.create_task(_report_progress(uow_factory, job, progress, clock))
        if job.kind == "export"
        and job.params.get("format") in REPORTS_PROGRESS
        and job.channel
        and job.chat_id
        else None
    )
    try:
        async with uow_factory() as uow:
            work = await services.long_read(
                uow, lambda reader: render_job(reader, job, services, clock(), progress=progress)
            )
        await _stop(ticker)
        rendered = work
        files = await asyncio.to_thread(_store, rendered, services.files, job.id)
        error = None
    except UnitTreeError as broken:  # the stored tree loops: the answer is to say so, once; no retry helps
        log.warning("job refused: unit tree loops", job_id=job.id, kind=job.kind, unit=broken.unit_code)
        files, error = [], None
        work = Rendered((), message=OutboundMessage(text=f"⚠️ {broken}"))
    except Exception as failure:
        log.exception("job failed", job_id=job.id, kind=job.kind)
        files, error = [], f"{type(failure).__name__}: {failure}"
    finally:
        await _stop(ticker)
    async with uow_factory() as uow:
        now = clock()
        if job.channel and job.chat_id:
            for message in _messages(work, files, error):
                await uow.outbox.add(
                    job.channel, job.chat_id, outbound_to_json(message), now, person_id=job.requested_by
                )
        await uow.jobs.finish(job.id, now, result_path=files[0].sha256 if files else None, error=error)
        await uow.commit()
    return job.id


async def _stop(ticker: asyncio.Task[None] | None) -> None:
    if ticker is not None and not ticker.done():
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker


def progress_message(job: JobRecord, progress: RowProgress) -> OutboundMessage:
    label = LABELS.get(str(job.params.get("format")), "tệp")
    done = min(progress.done, progress.total) if progress.total else progress.done
    counted = f"{format_int(done)}/{format_int(progress.total)}" if progress.total else format_int(done)
    return OutboundMessage(
        text=f"⏳ Đang tạo «{label}»: đã ghi {counted} câu trả lời…",
        edit_key=progress_key(job),
    )


async def show_progress(uow: UnitOfWork, job: JobRecord, message: OutboundMessage, now: datetime) -> None:
    """Edit the job's progress message: one still waiting in the outbox is updated in place, so a slow
    chat never builds a backlog of stale counts."""
    if not job.channel or not job.chat_id or message.edit_key is None:
        return
    payload = outbound_to_json(message)
    waiting = await uow.outbox.pending_with_key(job.channel, job.chat_id, message.edit_key)
    if waiting is not None and await uow.outbox.replace_payload(waiting.id, payload):
        return
    await uow.outbox.add(
        job.channel, job.chat_id, payload, now, person_id=job.requested_by, edit_key=message.edit_key
    )


async def _report_progress(
    uow_factory: UnitOfWorkFactory, job: JobRecord, progress: RowProgress, clock: Callable[[], datetime]
) -> None:
    """Every few seconds while the job runs, the rows written so far (when they changed)."""
    shown = 0
    while True:
        await asyncio.sleep(PROGRESS_EVERY)
        if progress.done == shown:
            continue
        shown = progress.done
        try:
            async with uow_factory() as uow:
                await show_progress(uow, job, progress_message(job, progress), clock())
                await uow.commit()
        except Exception:  # a count that could not be shown is not worth failing the export for
            log.warning("job progress not shown", job_id=job.id, exc_info=True)


def _store(work: Rendered, store: FileStore, job_id: int) -> list[FileRef]:
    """Render (CPU-bound: runs in a thread) and keep each file in the file store as an export (dropped after
    the retention period); the name people see carries the job's number, as the files in the folder did."""
    stored = []
    for name, content in work.files():
        sha256 = store.put_bytes(content, export=True)
        stored.append(file_ref(sha256, f"{job_id}-{safe_name(name)}", content))
    return stored


def _messages(work: Rendered | None, files: list[FileRef], error: str | None) -> list[OutboundMessage]:
    if error is not None or work is None:
        return [
            OutboundMessage(
                text="⚠️ Xin lỗi, chưa tạo được tệp. Bot sẽ thử lại; nếu vẫn lỗi xin báo quản trị."
            )
        ]
    kind = "photo" if work.is_picture else "document"
    return [
        *([work.message] if work.message is not None else []),
        *(
            OutboundMessage(text=caption, attachment=stored, attachment_kind=kind)
            for stored, caption in zip(files, work.captions(), strict=True)
        ),
    ]
