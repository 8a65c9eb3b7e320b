"""The queues: inbound updates, outbound messages and their lanes, background jobs, broadcasts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, Protocol

from cdht.handlers.ports.roster import PersonRecord


@dataclass(frozen=True)
class InboxRecord:
    id: int
    channel: str
    external_id: str
    user_key: str
    payload: dict[str, Any]
    attempts: int


Delivery = tuple[int, str | None, dict[str, Any] | None]  # outbox id, platform message id, what went out


class Lane(IntEnum):
    """Which queued messages go first: replies to what a person just did, then notices (review results,
    files from jobs, answers to questions, broadcast progress), then bulk (broadcasts, reminders)."""

    REPLY = 0
    NOTICE = 1
    BULK = 2


@dataclass(frozen=True)
class QueuedMessage:
    """A message to queue: where it goes, what it says (wire JSON), its lane, and the update it answers.
    With `dedupe_key` it is queued at most once, whatever retries happen."""

    channel: str
    chat_id: str
    payload: dict[str, Any]
    inbox_id: int | None = None
    edit_key: str | None = None
    lane: Lane = Lane.REPLY
    person_id: int | None = None
    dedupe_key: str | None = None
    broadcast_id: int | None = None
    not_before: datetime | None = None


@dataclass(frozen=True)
class OutboxRecord:
    id: int
    channel: str
    chat_id: str
    person_id: int | None
    payload: dict[str, Any]
    attempts: int
    status: str
    external_message_id: str | None = None
    edit_key: str | None = None
    broadcast_id: int | None = None
    lane: Lane = Lane.REPLY


class InboxRepository(Protocol):
    async def add(
        self, channel: str, external_id: str, user_key: str, payload: dict[str, Any], now: datetime
    ) -> int | None: ...
    async def add_many(
        self, channel: str, updates: Sequence[tuple[str, str, dict[str, Any]]], now: datetime
    ) -> list[bool]: ...
    async def claim_next(self, channel: str | None = None) -> InboxRecord | None: ...
    async def claim(
        self, channel: str | None = None, *, limit: int, only: int | None = None
    ) -> list[InboxRecord]: ...
    async def mark_done(self, inbox_id: int, now: datetime) -> None: ...
    async def mark_all_done(self, inbox_ids: Sequence[int], now: datetime) -> None: ...
    async def mark_failed(self, inbox_id: int, error: str, now: datetime) -> None: ...
    async def pending_count(self) -> int: ...
    # Retention (Nghị định 13/2023/NĐ-CP): a handled event's raw update is dropped, its row kept (dedupe).
    async def drop_payloads(self, inbox_ids: Sequence[int]) -> int: ...
    async def prune_payloads(self, processed_before: datetime, *, limit: int) -> int: ...
    async def prunable_count(self, processed_before: datetime) -> int: ...


class OutboxRepository(Protocol):
    async def add(
        self,
        channel: str,
        chat_id: str,
        payload: dict[str, Any],
        now: datetime,
        *,
        person_id: int | None = None,
        inbox_id: int | None = None,
        dedupe_key: str | None = None,
        edit_key: str | None = None,
        broadcast_id: int | None = None,
        not_before: datetime | None = None,
        lane: Lane = Lane.NOTICE,
    ) -> int | None: ...
    async def add_many(self, messages: Sequence[QueuedMessage], now: datetime) -> None: ...
    async def add_unless_queued(self, messages: Sequence[QueuedMessage], now: datetime) -> int: ...
    async def last_sent(self, channel: str, chat_id: str, edit_key: str) -> OutboxRecord | None: ...
    async def pending_with_key(self, channel: str, chat_id: str, edit_key: str) -> OutboxRecord | None: ...
    async def replace_payload(self, outbox_id: int, payload: dict[str, Any]) -> bool: ...
    async def due(self, channel: str, now: datetime, limit: int) -> list[OutboxRecord]: ...
    async def claim_next(
        self, channel: str, now: datetime, *, skip_chats: Collection[str] = ()
    ) -> OutboxRecord | None: ...
    async def claim(
        self,
        channel: str,
        now: datetime,
        *,
        skip_chats: Collection[str] = (),
        limit: int,
        from_lane: Lane = Lane.REPLY,  # the lanes from this one (the bulk floor asks for bulk) ...
        to_lane: Lane = Lane.BULK,  # ... to this one (the express slot serves replies and notices)
    ) -> list[tuple[OutboxRecord, PersonRecord | None]]: ...
    async def mark_sent(
        self,
        outbox_id: int,
        external_message_id: str | None,
        now: datetime,
        *,
        sent_payload: dict[str, Any] | None = None,
    ) -> None: ...
    async def mark_all_sent(self, deliveries: Sequence[Delivery], now: datetime) -> None: ...
    async def mark_failed(self, outbox_id: int, error: str, *, retry_at: datetime | None) -> None: ...
    async def for_inbox(self, inbox_id: int) -> list[OutboxRecord]: ...
    # Retention: the content of old messages no longer waiting is dropped (a record then shows {}).
    async def prune_payloads(self, queued_before: datetime, *, limit: int) -> int: ...
    async def prunable_count(self, queued_before: datetime) -> int: ...


@dataclass(frozen=True)
class JobRecord:
    kind: str
    params: dict[str, Any]
    status: str
    created_at: datetime
    requested_by: int | None = None
    channel: str | None = None
    chat_id: str | None = None
    result_path: str | None = None
    error: str | None = None
    attempts: int = 0
    id: int = 0


class JobRepository(Protocol):
    async def add(self, job: JobRecord) -> JobRecord: ...
    async def get(self, job_id: int) -> JobRecord | None: ...
    async def for_person(self, person_id: int, kind: str, *, limit: int) -> list[JobRecord]:
        """The jobs of this kind the person asked for, newest first, at most `limit`."""
        ...

    async def claim_next(self) -> JobRecord | None: ...
    async def requeue_stale(self, started_before: datetime) -> int: ...
    async def finish(
        self, job_id: int, now: datetime, *, result_path: str | None, error: str | None
    ) -> None: ...


@dataclass(frozen=True)
class BroadcastRecord:
    author_id: int
    text: str
    audience: dict[str, Any]
    status: str
    created_at: datetime
    attachment_sha256: str | None = None  # the file store's id of the file sent with it
    attachment_name: str | None = None
    attachment_kind: str | None = None
    recipients: int = 0
    progress_channel: str | None = None
    progress_chat_id: str | None = None
    queued_through: int = 0  # the fan-out's cursor: recipients up to this person id are queued
    id: int = 0


class BroadcastRepository(Protocol):
    async def add(self, broadcast: BroadcastRecord) -> BroadcastRecord: ...
    async def get(self, broadcast_id: int) -> BroadcastRecord | None: ...
    async def set_status(
        self, broadcast_id: int, status: str, now: datetime, *, recipients: int | None = None
    ) -> None: ...
    async def active(self) -> list[BroadcastRecord]: ...
    async def queued_through(
        self, broadcast_id: int, person_id: int, now: datetime, *, done: bool
    ) -> bool: ...
    async def delivery_counts(self, broadcast_id: int) -> dict[str, int]: ...
    async def cancel_pending(self, broadcast_id: int) -> int: ...
    async def unreachable_count(self, broadcast_id: int) -> int: ...
