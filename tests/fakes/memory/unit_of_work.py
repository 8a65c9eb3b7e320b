"""A unit of work on the in-memory database: changes become visible to others on commit; a rollback, or
leaving `async with` without a commit, discards them."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Self

from cdht.handlers.ports import (
    AnswerRepository,
    AuditRepository,
    BroadcastRepository,
    DifficultyRepository,
    DossierRepository,
    EvidenceRepository,
    FlowRepository,
    InboxRepository,
    InviteRepository,
    JobRepository,
    KeyValueRepository,
    OutboxRepository,
    PersonRepository,
    RecognitionRepository,
    ReminderRepository,
    SessionRepository,
    SessionsOf,
    UnitRepository,
    YearRepository,
)
from cdht.handlers.ports.procedure import CouncilRepository, OpinionRepository
from tests.fakes.memory.answers import (
    MemoryAnswerRepository,
    MemoryEvidenceRepository,
    MemoryRecognitionRepository,
    MemorySessionRepository,
    MemoryYearRepository,
)
from tests.fakes.memory.council import MemoryCouncilRepository, MemoryOpinionRepository
from tests.fakes.memory.database import MemoryDatabase, Transaction
from tests.fakes.memory.flows import MemoryFlowRepository
from tests.fakes.memory.officers import (
    MemoryAuditRepository,
    MemoryDifficultyRepository,
    MemoryKeyValueRepository,
    MemoryReminderRepository,
)
from tests.fakes.memory.outbox import MemoryOutboxRepository
from tests.fakes.memory.procedure import MemoryDossierRepository
from tests.fakes.memory.queues import MemoryBroadcastRepository, MemoryInboxRepository, MemoryJobRepository
from tests.fakes.memory.roster import MemoryInviteRepository, MemoryPersonRepository, MemoryUnitRepository

__all__ = ["MemoryDatabase", "MemoryUnitOfWork"]


class MemoryUnitOfWork:
    """Satisfies `BatchUnitOfWork` too: reading ahead is nothing to save in memory."""

    def __init__(self, database: MemoryDatabase) -> None:
        self._database = database
        self._transaction: Transaction | None = None

    @property
    def _active(self) -> Transaction:
        if self._transaction is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._transaction

    async def __aenter__(self) -> Self:
        transaction = Transaction(self._database)
        self._transaction = transaction
        self.units: UnitRepository = MemoryUnitRepository(transaction)
        self.people: PersonRepository = MemoryPersonRepository(transaction)
        self.invites: InviteRepository = MemoryInviteRepository(transaction)
        self.answers: AnswerRepository = MemoryAnswerRepository(transaction)
        self.evidence: EvidenceRepository = MemoryEvidenceRepository(transaction)
        self.recognitions: RecognitionRepository = MemoryRecognitionRepository(transaction)
        self.sessions: SessionRepository = MemorySessionRepository(transaction)
        self.inbox: InboxRepository = MemoryInboxRepository(transaction)
        self.outbox: OutboxRepository = MemoryOutboxRepository(transaction)
        self.years: YearRepository = MemoryYearRepository(transaction)
        self.audit: AuditRepository = MemoryAuditRepository(transaction)
        self.broadcasts: BroadcastRepository = MemoryBroadcastRepository(transaction)
        self.reminders: ReminderRepository = MemoryReminderRepository(transaction)
        self.difficulties: DifficultyRepository = MemoryDifficultyRepository(transaction)
        self.jobs: JobRepository = MemoryJobRepository(transaction)
        self.key_values: KeyValueRepository = MemoryKeyValueRepository(transaction)
        self.flows: FlowRepository = MemoryFlowRepository(transaction)
        self.dossiers: DossierRepository = MemoryDossierRepository(transaction)
        self.councils: CouncilRepository = MemoryCouncilRepository(transaction)
        self.opinions: OpinionRepository = MemoryOpinionRepository(transaction)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Whatever was not committed is dropped."""
        self._transaction = None

    async def commit(self) -> None:
        self._active.commit()

    async def rollback(self) -> None:
        self._active.begin()

    async def prefetch(self, accounts: Sequence[tuple[str, str]], sessions_of: SessionsOf, year: int) -> None:
        """Nothing to read ahead: every read is answered from memory."""
