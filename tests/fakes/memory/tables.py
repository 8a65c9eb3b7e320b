"""The in-memory database's tables, mirroring cdht/storage/tables.py with only the columns the repositories
show. Rows are frozen: a write puts a new row in place, so a unit of work's copy of the tables is a copy of
the dicts, never of the rows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from cdht.handlers.ports import (
    AnswerRecord,
    AuditRecord,
    BroadcastRecord,
    DifficultyRecord,
    DossierRecord,
    EvidenceRecord,
    IdentityRecord,
    JobRecord,
    Lane,
    PersonRecord,
    RecognitionRecord,
    SessionRecord,
    UnitRecord,
    YearRecord,
)
from cdht.handlers.ports.procedure import CouncilRecord, OpinionRecord


class ConstraintViolation(Exception):
    """A write broke a unique key or a foreign key (where SQL raises IntegrityError)."""


def as_json(value: Any) -> Any:
    """What a JSON column gives back: a copy, with tuples as lists; unserialisable values fail as in SQL."""
    return json.loads(json.dumps(value))


@dataclass(frozen=True)
class InviteRow:
    code: str
    person_id: int
    expires_at: datetime | None
    used_at: datetime | None = None
    issuer_id: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class InboxRow:
    id: int
    channel: str
    external_id: str
    user_key: str
    payload: dict[str, Any] | None  # None: dropped (retention)
    received_at: datetime
    status: str = "pending"
    attempts: int = 0
    error: str | None = None
    processed_at: datetime | None = None


@dataclass(frozen=True)
class OutboxRow:
    id: int
    channel: str
    chat_id: str
    payload: dict[str, Any] | None  # None: dropped (retention)
    not_before: datetime
    created_at: datetime
    lane: Lane
    person_id: int | None = None
    inbox_id: int | None = None
    dedupe_key: str | None = None
    edit_key: str | None = None
    broadcast_id: int | None = None
    status: str = "pending"
    attempts: int = 0
    external_message_id: str | None = None
    error: str | None = None
    sent_at: datetime | None = None


SessionKey = tuple[int, int, int, str]  # person, unit, year, questionnaire id
ReminderKey = tuple[int, date, str]  # person, day, kind


@dataclass
class Tables:
    units: dict[int, UnitRecord] = field(default_factory=dict)
    people: dict[int, PersonRecord] = field(default_factory=dict)
    identities: dict[int, IdentityRecord] = field(default_factory=dict)
    ended_identities: dict[tuple[str, str], int] = field(
        default_factory=dict
    )  # (channel, external id) -> person
    invites: dict[str, InviteRow] = field(default_factory=dict)
    years: dict[tuple[int, int], YearRecord] = field(default_factory=dict)
    answers: dict[int, AnswerRecord] = field(default_factory=dict)
    evidence: dict[int, EvidenceRecord] = field(default_factory=dict)
    recognitions: dict[int, RecognitionRecord] = field(default_factory=dict)
    sessions: dict[SessionKey, SessionRecord] = field(default_factory=dict)
    inbox: dict[int, InboxRow] = field(default_factory=dict)
    outbox: dict[int, OutboxRow] = field(default_factory=dict)
    audit: dict[int, AuditRecord] = field(default_factory=dict)
    broadcasts: dict[int, BroadcastRecord] = field(default_factory=dict)
    reminders: dict[ReminderKey, datetime] = field(default_factory=dict)
    difficulties: dict[int, DifficultyRecord] = field(default_factory=dict)
    jobs: dict[int, JobRecord] = field(default_factory=dict)
    key_values: dict[str, dict[str, Any]] = field(default_factory=dict)
    flows: dict[int, dict[str, Any]] = field(default_factory=dict)  # person id -> their officer flow's state
    dossiers: dict[int, DossierRecord] = field(default_factory=dict)
    councils: dict[int, CouncilRecord] = field(default_factory=dict)
    opinions: dict[tuple[int, int, str], OpinionRecord] = field(
        default_factory=dict
    )  # dossier, member, criterion

    def copy(self) -> Tables:
        return Tables(**{f.name: dict(getattr(self, f.name)) for f in fields(self)})


def require(table: dict[Any, Any], key: Any, what: str) -> None:
    """A foreign key: the row referred to must exist."""
    if key is not None and key not in table:
        raise ConstraintViolation(f"{what} {key!r} does not exist")
