from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import JobRecord
from cdht.storage.tables import Job

MAX_ATTEMPTS = 3


def _record(row: Job) -> JobRecord:
    return JobRecord(
        id=row.id,
        kind=row.kind,
        params=row.params,
        status=row.status,
        created_at=row.created_at,
        requested_by=row.requested_by,
        channel=row.channel,
        chat_id=row.chat_id,
        result_path=row.result_path,
        error=row.error,
        attempts=row.attempts,
    )


class SqlJobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, job: JobRecord) -> JobRecord:
        row = Job(
            kind=job.kind,
            params=job.params,
            status="pending",
            requested_by=job.requested_by,
            channel=job.channel,
            chat_id=job.chat_id,
            created_at=job.created_at,
        )
        self._session.add(row)
        await self._session.flush()
        return _record(row)

    async def get(self, job_id: int) -> JobRecord | None:
        row = await self._session.get(Job, job_id, populate_existing=True)
        return None if row is None else _record(row)

    async def for_person(self, person_id: int, kind: str, *, limit: int) -> list[JobRecord]:
        rows = await self._session.scalars(
            select(Job)
            .where(Job.requested_by == person_id, Job.kind == kind)
            .order_by(Job.id.desc())
            .limit(limit)
            .execution_options(populate_existing=True)  # `finish` updates rows behind the identity map
        )
        return [_record(row) for row in rows]

    async def claim_next(self) -> JobRecord | None:
        """Take the oldest pending job: marked running (commit at once); SKIP LOCKED lets workers share."""
        row = await self._session.scalar(
            select(Job)
            .where(Job.status == "pending")
            .order_by(Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if row is None:
            return None
        row.attempts += 1
        row.status = "running"
        await self._session.flush()
        return _record(row)

    async def requeue_stale(self, started_before: datetime) -> int:
        """Jobs left running by a worker that died go back to the queue."""
        result = await self._session.execute(
            update(Job)
            .where(Job.status == "running", Job.created_at < started_before)
            .values(status="pending")
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def finish(self, job_id: int, now: datetime, *, result_path: str | None, error: str | None) -> None:
        row = await self._session.get(Job, job_id)
        if row is None:
            return
        retry = error is not None and row.attempts < MAX_ATTEMPTS
        await self._session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status="pending" if retry else ("failed" if error else "done"),
                result_path=result_path,
                error=error,
                finished_at=None if retry else now,
            )
        )
