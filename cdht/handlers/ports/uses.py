"""The unit of work as each group of use cases sees it: only the repositories it uses (plus commit, rollback
and `async with` where it runs its own transactions), so a test's fake of one use case stays small. The full
`UnitOfWork` is each of them; a protocol that extends another says its use cases call the other's."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from cdht.handlers.ports.answers import (
    AnswerRepository,
    EvidenceRepository,
    RecognitionRepository,
    SessionRepository,
    YearRepository,
)
from cdht.handlers.ports.flows import FlowRepository
from cdht.handlers.ports.officers import AuditRepository, DifficultyRepository, ReminderRepository
from cdht.handlers.ports.procedure import CouncilRepository, DossierRepository, OpinionRepository
from cdht.handlers.ports.queues import JobRepository, OutboxRepository
from cdht.handlers.ports.roster import InviteRepository, PersonRepository, UnitRepository

if TYPE_CHECKING:
    from cdht.handlers.ports.unit_of_work import UnitOfWork


class ScopeUnitOfWork(Protocol):
    """What a person may see: `scope.units_in_scope`, `scope.unit_in_scope`."""

    units: UnitRepository


class NotifyUnitOfWork(Protocol):
    """Queueing messages for people's accounts: `notify.notify`, `answering.announce_submission`."""

    people: PersonRepository
    outbox: OutboxRepository


class RegistrationUnitOfWork(NotifyUnitOfWork, Protocol):
    """Linking a chat account by phone contact or invite code, audited, the old chat told of a re-link:
    `registration.register`."""

    invites: InviteRepository
    audit: AuditRepository


class InviteUnitOfWork(ScopeUnitOfWork, Protocol):
    """Making invite codes, audited: `invites.create_invite`, `invites.invite_in_chat`."""

    people: PersonRepository
    invites: InviteRepository
    audit: AuditRepository


class LifecycleUnitOfWork(ScopeUnitOfWork, NotifyUnitOfWork, Protocol):
    """Deactivating and reactivating people, audited; their officer flow ends with their access:
    `lifecycle.deactivate`, `lifecycle.reactivate`, `lifecycle_chat`, `roster_replace`."""

    audit: AuditRepository
    flows: FlowRepository


class PersistUnitOfWork(Protocol):
    """Storing what the engine decided: `persistence.persist`."""

    answers: AnswerRepository
    evidence: EvidenceRepository
    sessions: SessionRepository
    years: YearRepository
    audit: AuditRepository


class CarryDownUnitOfWork(PersistUnitOfWork, NotifyUnitOfWork, Protocol):
    """A commune's citizen base carried down to its villages' sessions, the heads told: `wording.carry_down`
    (a commune officer answering, an import of the commune's answers)."""

    units: UnitRepository


class AnsweringUnitOfWork(CarryDownUnitOfWork, Protocol):
    """A respondent answering their questionnaire: `answering.answer`."""


class FactsUnitOfWork(Protocol):
    """A unit's facts for scoring: `facts_loader.load_unit_facts`, `scores.score_unit`."""

    units: UnitRepository
    answers: AnswerRepository
    evidence: EvidenceRepository
    recognitions: RecognitionRepository


class VillageStatusUnitOfWork(Protocol):
    """Where each village of a commune stands: `village_status.village_states`."""

    units: UnitRepository
    people: PersonRepository
    sessions: SessionRepository
    years: YearRepository


class ReviewUnitOfWork(VillageStatusUnitOfWork, NotifyUnitOfWork, Protocol):
    """A commune officer looking at and approving a village's answers: `review.list_villages`,
    `review.show_village`, `review.approve` (returning answers also runs a flow: the full unit of work)."""

    answers: AnswerRepository
    evidence: EvidenceRepository
    audit: AuditRepository


class RecognitionUnitOfWork(ScopeUnitOfWork, Protocol):
    """Recording recognition decisions: `recognitions.record`, `recognitions.record_from_text`; a decision is
    linked to the unit's dossier of that year the council found passed."""

    recognitions: RecognitionRepository
    audit: AuditRepository
    dossiers: DossierRepository


class ReportUnitOfWork(FactsUnitOfWork, VillageStatusUnitOfWork, Protocol):
    """Progress reports, dossiers, the audit view and the exports rendered from them: reads of the records,
    never of the queues."""

    audit: AuditRepository
    dossiers: DossierRepository
    councils: CouncilRepository
    opinions: OpinionRepository
    difficulties: DifficultyRepository  # the yearly report lists the vướng mắc raised and their answers


class UnfinishedUnitOfWork(Protocol):
    """Who has questions left and which: `unfinished.still_open`, `unfinished.describe`."""

    answers: AnswerRepository
    sessions: SessionRepository
    years: YearRepository


class ReminderPlanUnitOfWork(UnfinishedUnitOfWork, Protocol):
    """Planning the day's reminders: `reminders.plan`."""

    units: UnitRepository
    people: PersonRepository
    recognitions: RecognitionRepository
    reminders: ReminderRepository


class ExportRequestUnitOfWork(Protocol):
    """Asking for an export to be rendered in the background: `jobs.queue_job`."""

    people: PersonRepository
    jobs: JobRepository


class RosterImportUnitOfWork(Protocol):
    """Importing the roster, audited (commits when it is done): `roster.import_roster`."""

    units: UnitRepository
    people: PersonRepository
    audit: AuditRepository

    async def commit(self) -> None: ...


class OfficialUnitsUnitOfWork(Protocol):
    """Importing the official units of a province, audited (commits when it is done):
    `official_units.import_official_units`."""

    units: UnitRepository
    audit: AuditRepository

    async def commit(self) -> None: ...


class RosterReplaceUnitOfWork(RosterImportUnitOfWork, LifecycleUnitOfWork, Protocol):
    """Importing a roster that replaces a subtree: those of it missing from the file are deactivated in the
    same transaction: `roster_replace.replace_subtree`."""


class AnswersImportUnitOfWork(CarryDownUnitOfWork, Protocol):
    """Importing answers from a spreadsheet, audited (commits when it is done): `answers_import.import_answers`; a
    commune's citizen base imported is carried down to its villages as in chat."""

    async def commit(self) -> None: ...


class OutboxSenderUnitOfWork(Protocol):
    """The outbox sender's transactions: claim, record deliveries and failures, mark people (un)reachable."""

    outbox: OutboxRepository
    people: PersonRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class OutboxSenderUnitOfWorkFactory(Protocol):
    def __call__(self) -> OutboxSenderUnitOfWork: ...


if TYPE_CHECKING:

    def _the_full_unit_of_work_serves_every_use(
        uow: UnitOfWork,
    ) -> tuple[
        ScopeUnitOfWork,
        NotifyUnitOfWork,
        RegistrationUnitOfWork,
        InviteUnitOfWork,
        LifecycleUnitOfWork,
        AnsweringUnitOfWork,
        ReviewUnitOfWork,
        RecognitionUnitOfWork,
        ReportUnitOfWork,
        ReminderPlanUnitOfWork,
        ExportRequestUnitOfWork,
        RosterImportUnitOfWork,
        RosterReplaceUnitOfWork,
        AnswersImportUnitOfWork,
        OutboxSenderUnitOfWork,
        OfficialUnitsUnitOfWork,
    ]:
        """Never called: mypy checks here that `UnitOfWork` satisfies each narrow protocol."""
        return (uow, uow, uow, uow, uow, uow, uow, uow, uow, uow, uow, uow, uow, uow, uow, uow)
