"""The unit of work a use case runs in, its factories, and what the storage can do."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from cdht.handlers.ports.answers import (
    AnswerRepository,
    EvidenceRepository,
    RecognitionRepository,
    SessionRepository,
    YearRepository,
)
from cdht.handlers.ports.flows import FlowRepository
from cdht.handlers.ports.officers import (
    AuditRepository,
    DifficultyRepository,
    KeyValueRepository,
    ReminderRepository,
)
from cdht.handlers.ports.procedure import CouncilRepository, DossierRepository, OpinionRepository
from cdht.handlers.ports.queues import BroadcastRepository, InboxRepository, JobRepository, OutboxRepository
from cdht.handlers.ports.roster import InviteRepository, PersonRecord, PersonRepository, UnitRepository


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
    flows: FlowRepository
    dossiers: DossierRepository
    councils: CouncilRepository
    opinions: OpinionRepository

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
        """Read the people behind these (channel, external id) accounts with their flows, the sessions
        `sessions_of` names for each active one, and the units of those with sessions with their review state
        in `year`. Later reads of the same rows in this transaction are answered from memory until their
        tables are written."""
        ...


class BatchUnitOfWorkFactory(Protocol):
    def __call__(self) -> BatchUnitOfWork: ...


@dataclass(frozen=True)
class StorageAbilities:
    """What the database can do, for the runner to size its workers by."""

    row_locks: bool  # claims lock their rows (SKIP LOCKED): several workers and processes share the queues
    batch_sends: bool  # the sender may claim several rows at once: nothing stays locked from claim to record
