"""Inbound updates, background jobs and broadcasts, in memory (outbound messages: `outbox`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from cdht.handlers.ports import BroadcastRecord, InboxRecord, JobRecord
from cdht.storage.queues.inbox import MAX_ATTEMPTS as INBOX_ATTEMPTS
from cdht.storage.queues.jobs import MAX_ATTEMPTS as JOB_ATTEMPTS
from tests.fakes.memory.database import Transaction
from tests.fakes.memory.tables import InboxRow, Tables, as_json, require


def _inbox_record(row: InboxRow) -> InboxRecord:
    payload = as_json(row.payload) if row.payload is not None else {}  # claimed rows are pending: kept
    return InboxRecord(row.id, row.channel, row.external_id, row.user_key, payload, row.attempts)


class MemoryInboxRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def add(
        self, channel: str, external_id: str, user_key: str, payload: dict[str, Any], now: datetime
    ) -> int | None:
        """Store a raw update; None when this (channel, external id) was stored before (a redelivery)."""
        [stored] = await self._add(channel, [(external_id, user_key, payload)], now)
        return stored

    async def add_many(
        self, channel: str, updates: Sequence[tuple[str, str, dict[str, Any]]], now: datetime
    ) -> list[bool]:
        return [stored is not None for stored in await self._add(channel, updates, now)]

    async def _add(
        self, channel: str, updates: Sequence[tuple[str, str, dict[str, Any]]], now: datetime
    ) -> list[int | None]:
        rows = [
            InboxRow(self._tx.new_id("inbox"), channel, external_id, user_key, as_json(payload), now)
            for external_id, user_key, payload in updates
        ]

        def add(tables: Tables) -> list[int | None]:
            known = {(row.channel, row.external_id) for row in tables.inbox.values()}
            stored: list[int | None] = []
            for row in rows:
                if (channel, row.external_id) in known:
                    stored.append(None)
                    continue
                known.add((channel, row.external_id))
                tables.inbox[row.id] = row
                stored.append(row.id)
            return stored

        return self._tx.write(add)

    async def claim_next(self, channel: str | None = None) -> InboxRecord | None:
        claimed = await self.claim(channel, limit=1)
        return claimed[0] if claimed else None

    async def claim(
        self, channel: str | None = None, *, limit: int, only: int | None = None
    ) -> list[InboxRecord]:
        """Each person's oldest pending event (over all channels), oldest first; `only`: that event of
        `channel`, if it is one of those."""
        first_of_person: dict[str, InboxRow] = {}
        for _, row in sorted(self._tx.tables.inbox.items()):
            if row.status == "pending":
                first_of_person.setdefault(row.user_key, row)
        eligible = [row for row in first_of_person.values() if channel is None or row.channel == channel]
        if only is not None:
            eligible = [row for row in eligible if row.id == only and row.channel == channel][:1]
        return [_inbox_record(row) for row in eligible[:limit]]

    async def mark_done(self, inbox_id: int, now: datetime) -> None:
        await self.mark_all_done([inbox_id], now)

    async def mark_all_done(self, inbox_ids: Sequence[int], now: datetime) -> None:
        def done(tables: Tables) -> None:
            for inbox_id in inbox_ids:
                if (row := tables.inbox.get(inbox_id)) is not None:
                    tables.inbox[inbox_id] = replace(row, status="done", processed_at=now)

        self._tx.write(done)

    async def mark_failed(self, inbox_id: int, error: str, now: datetime) -> None:
        """Count a failed attempt; after MAX_ATTEMPTS the event is parked as failed."""

        def fail(tables: Tables) -> None:
            row = tables.inbox.get(inbox_id)
            if row is None:
                return
            failed = replace(row, attempts=row.attempts + 1, error=error[:2000])
            if failed.attempts >= INBOX_ATTEMPTS:
                failed = replace(failed, status="failed", processed_at=now)
            tables.inbox[inbox_id] = failed

        self._tx.write(fail)

    async def pending_count(self) -> int:
        return sum(1 for row in self._tx.tables.inbox.values() if row.status == "pending")

    async def drop_payloads(self, inbox_ids: Sequence[int]) -> int:
        """Forget the raw update of these events if handled; a pending one keeps it."""

        def drop(tables: Tables) -> int:
            dropped = 0
            for inbox_id in inbox_ids:
                row = tables.inbox.get(inbox_id)
                if row is not None and row.status != "pending" and row.payload is not None:
                    tables.inbox[inbox_id] = replace(row, payload=None)
                    dropped += 1
            return dropped

        return self._tx.write(drop)

    async def prune_payloads(self, processed_before: datetime, *, limit: int) -> int:
        """Forget the raw update of up to `limit` events handled before `processed_before`, oldest first."""

        def prune(tables: Tables) -> int:
            prunable = _prunable(tables, processed_before)
            oldest = sorted(prunable, key=lambda row: (row.processed_at or processed_before, row.id))[:limit]
            for row in oldest:
                tables.inbox[row.id] = replace(row, payload=None)
            return len(oldest)

        return self._tx.write(prune)

    async def prunable_count(self, processed_before: datetime) -> int:
        return len(_prunable(self._tx.tables, processed_before))


def _prunable(tables: Tables, processed_before: datetime) -> list[InboxRow]:
    return [
        row
        for row in tables.inbox.values()
        if row.payload is not None and row.processed_at is not None and row.processed_at < processed_before
    ]


class MemoryJobRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def add(self, job: JobRecord) -> JobRecord:
        record = replace(
            job,
            params=as_json(job.params),
            status="pending",
            result_path=None,
            error=None,
            attempts=0,
            id=self._tx.new_id("jobs"),
        )

        def add(tables: Tables) -> JobRecord:
            require(tables.people, record.requested_by, "person")
            tables.jobs[record.id] = record
            return record

        return self._tx.write(add)

    async def get(self, job_id: int) -> JobRecord | None:
        job = self._tx.tables.jobs.get(job_id)
        return None if job is None else replace(job, params=as_json(job.params))

    async def for_person(self, person_id: int, kind: str, *, limit: int) -> list[JobRecord]:
        jobs = sorted(self._tx.tables.jobs.items(), reverse=True)
        mine = [job for _, job in jobs if job.requested_by == person_id and job.kind == kind]
        return [replace(job, params=as_json(job.params)) for job in mine[:limit]]

    async def claim_next(self) -> JobRecord | None:
        """The oldest pending job, marked running."""

        def claim(tables: Tables) -> JobRecord | None:
            pending = [job for _, job in sorted(tables.jobs.items()) if job.status == "pending"]
            if not pending:
                return None
            job = replace(pending[0], status="running", attempts=pending[0].attempts + 1)
            tables.jobs[job.id] = job
            return replace(job, params=as_json(job.params))

        return self._tx.write(claim)

    async def requeue_stale(self, started_before: datetime) -> int:
        def requeue(tables: Tables) -> int:
            stale = [
                j for j in tables.jobs.values() if j.status == "running" and j.created_at < started_before
            ]
            for job in stale:
                tables.jobs[job.id] = replace(job, status="pending")
            return len(stale)

        return self._tx.write(requeue)

    async def finish(self, job_id: int, now: datetime, *, result_path: str | None, error: str | None) -> None:
        """A failed job is retried until it has been tried JOB_ATTEMPTS times."""

        def finish(tables: Tables) -> None:
            job = tables.jobs.get(job_id)
            if job is None:
                return
            retry = error is not None and job.attempts < JOB_ATTEMPTS
            status = "pending" if retry else ("failed" if error else "done")
            tables.jobs[job_id] = replace(job, status=status, result_path=result_path, error=error)

        self._tx.write(finish)


def _broadcast_copy(record: BroadcastRecord) -> BroadcastRecord:
    return replace(record, audience=as_json(record.audience))


class MemoryBroadcastRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def add(self, broadcast: BroadcastRecord) -> BroadcastRecord:
        record = replace(_broadcast_copy(broadcast), queued_through=0, id=self._tx.new_id("broadcasts"))

        def add(tables: Tables) -> BroadcastRecord:
            require(tables.people, record.author_id, "person")
            tables.broadcasts[record.id] = record
            return _broadcast_copy(record)

        return self._tx.write(add)

    async def get(self, broadcast_id: int) -> BroadcastRecord | None:
        record = self._tx.tables.broadcasts.get(broadcast_id)
        return None if record is None else _broadcast_copy(record)

    async def set_status(
        self, broadcast_id: int, status: str, now: datetime, *, recipients: int | None = None
    ) -> None:
        def change(tables: Tables) -> None:
            if (record := tables.broadcasts.get(broadcast_id)) is not None:
                counted = record.recipients if recipients is None else recipients
                tables.broadcasts[broadcast_id] = replace(record, status=status, recipients=counted)

        self._tx.write(change)

    async def active(self) -> list[BroadcastRecord]:
        """Broadcasts being queued or sent."""
        return [
            _broadcast_copy(record)
            for _, record in sorted(self._tx.tables.broadcasts.items())
            if record.status in ("queuing", "sending")
        ]

    async def queued_through(self, broadcast_id: int, person_id: int, now: datetime, *, done: bool) -> bool:
        """Move a fan-out's cursor; False when the broadcast is no longer being queued."""

        def move(tables: Tables) -> bool:
            record = tables.broadcasts.get(broadcast_id)
            if record is None or record.status != "queuing":
                return False
            status = "sending" if done else record.status
            tables.broadcasts[broadcast_id] = replace(record, queued_through=person_id, status=status)
            return True

        return self._tx.write(move)

    async def delivery_counts(self, broadcast_id: int) -> dict[str, int]:
        outbox = self._tx.tables.outbox.values()
        return dict(Counter(row.status for row in outbox if row.broadcast_id == broadcast_id))

    async def unreachable_count(self, broadcast_id: int) -> int:
        people = self._tx.tables.people
        return sum(
            1
            for row in self._tx.tables.outbox.values()
            if row.broadcast_id == broadcast_id
            and row.person_id in people
            and not people[row.person_id].reachable
        )

    async def cancel_pending(self, broadcast_id: int) -> int:
        def cancel(tables: Tables) -> int:
            pending = [
                row
                for row in tables.outbox.values()
                if row.broadcast_id == broadcast_id and row.status == "pending"
            ]
            for row in pending:
                tables.outbox[row.id] = replace(row, status="cancelled")
            return len(pending)

        return self._tx.write(cancel)
