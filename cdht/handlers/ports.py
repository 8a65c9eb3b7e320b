"""What the use cases need from storage: plain records and Protocols. Storage implements them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

TIERS = ("province", "district", "commune", "village")
ROLES = ("village_head", "commune_officer", "district_admin", "province_admin")

AnswerValue = int | float | bool | str | list[str] | date | dict[str, float] | None
"""A stored answer; a location is {latitude, longitude}."""


@dataclass(frozen=True)
class UnitRecord:
    id: int
    code: str
    name: str
    tier: str
    parent_id: int | None


@dataclass(frozen=True)
class PersonRecord:
    id: int
    name: str
    phone: str
    role: str
    unit_id: int
    department: str | None = None
    active: bool = True
    reachable: bool = True


@dataclass(frozen=True)
class IdentityRecord:
    person_id: int
    channel: str
    external_id: str
    chat_id: str


@dataclass(frozen=True)
class NewAnswer:
    unit_id: int
    year: int
    question_id: str
    value: AnswerValue
    answered_at: datetime
    source: str
    fact: str | None = None
    display: str = ""
    person_id: int | None = None
    questionnaire_id: str | None = None
    questionnaire_version: int | None = None
    questionnaire_hash: str | None = None


@dataclass(frozen=True)
class AnswerRecord(NewAnswer):
    id: int = 0


@dataclass(frozen=True)
class NewEvidence:
    unit_id: int
    year: int
    question_id: str
    media_type: str
    created_at: datetime
    fact: str | None = None
    sha256: str | None = None
    mime_type: str | None = None
    size: int | None = None
    channel: str | None = None
    channel_file_id: str | None = None
    channel_file_unique_id: str | None = None
    original_name: str | None = None
    caption: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    taken_at: datetime | None = None
    person_id: int | None = None


@dataclass(frozen=True)
class EvidenceRecord(NewEvidence):
    id: int = 0


@dataclass(frozen=True)
class RecognitionRecord:
    unit_id: int
    year: int
    level: int
    decision_number: str
    decided_on: date
    body: str
    id: int = 0


@dataclass(frozen=True)
class SessionRecord:
    person_id: int
    unit_id: int
    year: int
    questionnaire_id: str
    state: dict[str, Any]
    completed: bool
    updated_at: datetime
    id: int = 0


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


class UnitRepository(Protocol):
    async def get(self, unit_id: int) -> UnitRecord | None: ...
    async def with_review(self, unit_id: int, year: int) -> tuple[UnitRecord | None, YearRecord | None]: ...
    async def by_code(self, code: str) -> UnitRecord | None: ...
    async def by_codes(self, codes: Sequence[str]) -> dict[str, UnitRecord]: ...
    async def children(self, unit_id: int) -> list[UnitRecord]: ...
    async def subtree(self, unit_id: int) -> list[UnitRecord]: ...
    async def all(self) -> list[UnitRecord]: ...
    async def add(
        self, code: str, name: str, tier: str, parent_id: int | None, now: datetime
    ) -> UnitRecord: ...
    async def update(self, unit_id: int, *, name: str, tier: str, parent_id: int | None) -> None: ...


class PersonRepository(Protocol):
    async def get(self, person_id: int) -> PersonRecord | None: ...
    async def by_phone(self, phone: str) -> PersonRecord | None: ...
    async def all(self) -> list[PersonRecord]: ...
    async def in_units(self, unit_ids: Sequence[int]) -> list[PersonRecord]: ...
    async def page_in_units(
        self, unit_ids: Sequence[int], *, after_id: int, limit: int, role: str | None = None
    ) -> list[PersonRecord]: ...
    async def identities_of(self, person_ids: Sequence[int]) -> dict[int, list[IdentityRecord]]: ...
    async def count_reachable(self, unit_ids: Sequence[int], *, role: str | None, besides: int) -> int: ...
    async def add(self, name: str, phone: str, role: str, unit_id: int, now: datetime) -> PersonRecord: ...
    async def update(self, person_id: int, *, name: str, role: str, unit_id: int) -> None: ...
    async def set_reachable(self, person_id: int, reachable: bool) -> None: ...
    async def by_identity(self, channel: str, external_id: str) -> PersonRecord | None: ...
    async def identities(self, person_id: int) -> list[IdentityRecord]: ...
    async def link_identity(
        self, person_id: int, channel: str, external_id: str, chat_id: str, now: datetime
    ) -> None: ...


class InviteRepository(Protocol):
    async def create(self, code: str, person_id: int, now: datetime, expires_at: datetime | None) -> None: ...
    async def redeem(self, code: str, now: datetime) -> int | None: ...


class AnswerRepository(Protocol):
    async def add(self, answer: NewAnswer) -> None: ...
    async def latest(self, unit_id: int, year: int) -> dict[str, AnswerRecord]: ...
    async def latest_for_units(
        self, unit_ids: Sequence[int], year: int
    ) -> dict[int, dict[str, AnswerRecord]]: ...
    async def history(self, unit_id: int, year: int, question_id: str) -> list[AnswerRecord]: ...


class EvidenceRepository(Protocol):
    async def add(self, evidence: NewEvidence) -> EvidenceRecord: ...
    async def for_unit(self, unit_id: int, year: int) -> list[EvidenceRecord]: ...
    async def counts(self, unit_ids: Sequence[int], year: int) -> dict[int, dict[str, int]]: ...


class RecognitionRepository(Protocol):
    async def add(self, recognition: RecognitionRecord, now: datetime) -> RecognitionRecord: ...
    async def for_units(self, unit_ids: Sequence[int]) -> list[RecognitionRecord]: ...


class SessionRepository(Protocol):
    async def get(
        self, person_id: int, unit_id: int, year: int, questionnaire_id: str
    ) -> SessionRecord | None: ...
    async def save(self, record: SessionRecord) -> None: ...
    async def for_person(self, person_id: int) -> list[SessionRecord]: ...
    async def for_units(
        self, unit_ids: Sequence[int], year: int, questionnaire_id: str
    ) -> list[SessionRecord]: ...


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


class UnitOfWork(Protocol):
    units: UnitRepository
    people: PersonRepository
    invites: InviteRepository
    answers: AnswerRepository
    evidence: EvidenceRepository
    recognitions: RecognitionRepository
    sessions: SessionRepository
    inbox: InboxRepository
    outbox: OutboxRepository
    years: YearRepository
    audit: AuditRepository
    broadcasts: BroadcastRepository
    reminders: ReminderRepository
    difficulties: DifficultyRepository
    jobs: JobRepository
    key_values: KeyValueRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


SessionsOf = Callable[[PersonRecord], Sequence[tuple[int, str]]]
"""The sessions (year, questionnaire id) handling a person's message reads."""


class BatchUnitOfWork(UnitOfWork, Protocol):
    """The inbox batch's unit of work: writes nobody reads back at once go out together before the next
    statement, and `prefetch` reads what handling the batch's updates will read, in one query per table."""

    async def prefetch(self, accounts: Sequence[tuple[str, str]], sessions_of: SessionsOf, year: int) -> None:
        """Read the people behind these (channel, external id) accounts, the sessions `sessions_of` names
        for each active one, and the units of those with sessions with their review state in `year`. Later
        reads of the same rows in this transaction are answered from memory until their tables are written."""
        ...


class BatchUnitOfWorkFactory(Protocol):
    def __call__(self) -> BatchUnitOfWork: ...


@dataclass(frozen=True)
class StorageAbilities:
    """What the database can do, for the runner to size its workers by."""

    row_locks: bool  # claims lock their rows (SKIP LOCKED): several workers and processes share the queues
    batch_sends: bool  # the sender may claim several rows at once: nothing stays locked from claim to record


FactsByQuestion = Mapping[str, AnswerRecord]


class FileStore(Protocol):
    """Content-addressed evidence files."""

    def put_bytes(self, content: bytes) -> tuple[str, Path]: ...
    def put_file(self, source: Path) -> tuple[str, Path]: ...
    def path_for(self, sha256: str) -> Path: ...


@dataclass(frozen=True)
class YearRecord:
    """The review state of one unit's answers for one year."""

    unit_id: int
    year: int
    status: str  # open | submitted | approved | returned
    returned_questions: tuple[str, ...] = ()
    note: str | None = None
    deadline: date | None = None


@dataclass(frozen=True)
class AuditRecord:
    action: str
    created_at: datetime
    unit_id: int | None = None
    year: int | None = None
    actor_id: int | None = None
    question_id: str | None = None
    old_value: Any = None
    new_value: Any = None
    reason: str | None = None
    id: int = 0


@dataclass(frozen=True)
class BroadcastRecord:
    author_id: int
    text: str
    audience: dict[str, Any]
    status: str
    created_at: datetime
    attachment_path: str | None = None
    attachment_kind: str | None = None
    recipients: int = 0
    progress_channel: str | None = None
    progress_chat_id: str | None = None
    queued_through: int = 0  # the fan-out's cursor: recipients up to this person id are queued
    id: int = 0


@dataclass(frozen=True)
class DifficultyRecord:
    person_id: int
    unit_id: int
    text: str
    status: str
    created_at: datetime
    answer: str | None = None
    answered_by: int | None = None
    answered_at: datetime | None = None
    id: int = 0


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


class YearRepository(Protocol):
    async def get(self, unit_id: int, year: int) -> YearRecord | None: ...
    async def for_units(self, unit_ids: Sequence[int], year: int) -> dict[int, YearRecord]: ...
    async def save(self, record: YearRecord, now: datetime) -> None: ...


class AuditRepository(Protocol):
    async def add(self, entry: AuditRecord) -> None: ...
    async def for_units(self, unit_ids: Sequence[int], year: int | None = None) -> list[AuditRecord]: ...


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


class ReminderRepository(Protocol):
    async def record(self, person_id: int, day: date, kind: str, now: datetime) -> bool: ...
    async def last_day(self, person_id: int, kind: str) -> date | None: ...
    async def last_days(self, person_ids: Sequence[int], kind: str) -> dict[int, date]: ...


class DifficultyRepository(Protocol):
    async def add(self, difficulty: DifficultyRecord) -> DifficultyRecord: ...
    async def get(self, difficulty_id: int) -> DifficultyRecord | None: ...
    async def open_for_units(self, unit_ids: Sequence[int]) -> list[DifficultyRecord]: ...
    async def answer(self, difficulty_id: int, text: str, answered_by: int, now: datetime) -> None: ...


class JobRepository(Protocol):
    async def add(self, job: JobRecord) -> JobRecord: ...
    async def claim_next(self) -> JobRecord | None: ...
    async def requeue_stale(self, started_before: datetime) -> int: ...
    async def finish(
        self, job_id: int, now: datetime, *, result_path: str | None, error: str | None
    ) -> None: ...


class KeyValueRepository(Protocol):
    """Small named state that must survive restarts, one JSON object per key (e.g. a chat's numbered options)."""

    async def get(self, key: str) -> dict[str, Any] | None: ...
    async def put(self, key: str, value: dict[str, Any], now: datetime) -> None: ...
