"""One database transaction around a use case, with every repository bound to it."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cdht.handlers.ports import (
    AnswerRepository,
    AuditRepository,
    BroadcastRepository,
    DifficultyRepository,
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
    UnitRepository,
    YearRepository,
)
from cdht.handlers.ports.procedure import CouncilRepository, DossierRepository, OpinionRepository
from cdht.storage.procedure.councils import SqlCouncilRepository, SqlOpinionRepository
from cdht.storage.procedure.dossiers import SqlDossierRepository
from cdht.storage.queues.inbox import SqlInboxRepository
from cdht.storage.queues.jobs import SqlJobRepository
from cdht.storage.queues.outbox import SqlOutboxRepository
from cdht.storage.repositories.answers import SqlAnswerRepository
from cdht.storage.repositories.audit import SqlAuditRepository
from cdht.storage.repositories.broadcasts import SqlBroadcastRepository
from cdht.storage.repositories.difficulties import SqlDifficultyRepository
from cdht.storage.repositories.evidence import SqlEvidenceRepository
from cdht.storage.repositories.flows import SqlFlowRepository
from cdht.storage.repositories.key_values import SqlKeyValueRepository
from cdht.storage.repositories.people import SqlInviteRepository, SqlPersonRepository
from cdht.storage.repositories.recognitions import SqlRecognitionRepository
from cdht.storage.repositories.reminders import SqlReminderRepository
from cdht.storage.repositories.sessions import SqlSessionRepository
from cdht.storage.repositories.units import SqlUnitRepository
from cdht.storage.repositories.years import SqlYearRepository


class SqlUnitOfWork:
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory
        self._session: AsyncSession | None = None

    @property
    def _active(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        session = self._factory()
        self._session = session
        self.units: UnitRepository = SqlUnitRepository(session)
        self.people: PersonRepository = SqlPersonRepository(session)
        self.invites: InviteRepository = SqlInviteRepository(session)
        self.answers: AnswerRepository = SqlAnswerRepository(session)
        self.evidence: EvidenceRepository = SqlEvidenceRepository(session)
        self.recognitions: RecognitionRepository = SqlRecognitionRepository(session)
        self.sessions: SessionRepository = SqlSessionRepository(session)
        self.inbox: InboxRepository = SqlInboxRepository(session)
        self.outbox: OutboxRepository = SqlOutboxRepository(session)
        self.years: YearRepository = SqlYearRepository(session)
        self.audit: AuditRepository = SqlAuditRepository(session)
        self.broadcasts: BroadcastRepository = SqlBroadcastRepository(session)
        self.reminders: ReminderRepository = SqlReminderRepository(session)
        self.difficulties: DifficultyRepository = SqlDifficultyRepository(session)
        self.jobs: JobRepository = SqlJobRepository(session)
        self.key_values: KeyValueRepository = SqlKeyValueRepository(session)
        self.flows: FlowRepository = SqlFlowRepository(session)
        self.dossiers: DossierRepository = SqlDossierRepository(session)
        self.councils: CouncilRepository = SqlCouncilRepository(session)
        self.opinions: OpinionRepository = SqlOpinionRepository(session)
        await session.begin()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Whatever was not committed is rolled back: a use case commits explicitly or changes nothing."""
        session = self._active
        try:
            await session.rollback()
        finally:
            await session.close()
            self._session = None

    async def commit(self) -> None:
        await self._active.commit()
        await self._active.begin()

    async def rollback(self) -> None:
        await self._active.rollback()
        await self._active.begin()
