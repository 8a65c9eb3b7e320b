"""Table definitions (SQLAlchemy 2 declarative). Migrations in `migrations/` are the schema of record."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both backends (SQLite would hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, datetime: UtcDateTime()}


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements (the hot path skips the ORM's unit of work)."""
    return cast(Table, model.__table__)


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    tier: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    is_difficult_area: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class Person(Base):
    """Someone of the roster. A phone belongs to one active person at a time (migration 0007): a deactivated
    person keeps theirs on record (their answers stay attributed to them) while it is given to someone else."""

    __tablename__ = "people"
    __table_args__ = (
        Index(
            "uq_people_phone_active",
            "phone",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    department: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class Identity(Base):
    """A person's account on one channel (Telegram user id, Zalo user id, console name)."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime]


class EndedIdentity(Base):
    """An account whose link ended when its person was deactivated: what it writes is answered only with
    "your access has ended". Forgotten when the person is reactivated or the account is linked again."""

    __tablename__ = "ended_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    ended_at: Mapped[datetime]


class InviteCode(Base):
    __tablename__ = "invite_codes"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # None: made from the command line


class AssessmentYear(Base):
    """The evaluation of one unit for one calendar year: its review state and deadline."""

    __tablename__ = "assessment_years"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32), default="open")
    returned_questions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    deadline: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime]


class Answer(Base):
    """One answer version. History is kept: the row with the highest id per (unit, year, question) wins."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_lookup", "unit_id", "year", "question_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(64))
    fact: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[dict[str, Any]]
    display: Mapped[str] = mapped_column(Text, default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    source: Mapped[str] = mapped_column(String(16))
    questionnaire_id: Mapped[str | None] = mapped_column(String(64))
    questionnaire_version: Mapped[int | None] = mapped_column(Integer)
    questionnaire_hash: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime]


class Evidence(Base):
    """A file backing an answer. Files are stored once by sha256; several records may share one file."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_lookup", "unit_id", "year", "question_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(64))
    fact: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(16))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int | None] = mapped_column(BigInteger)
    channel: Mapped[str | None] = mapped_column(String(16))
    channel_file_id: Mapped[str | None] = mapped_column(String(255))
    channel_file_unique_id: Mapped[str | None] = mapped_column(String(128))
    original_name: Mapped[str | None] = mapped_column(String(255))
    caption: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    taken_at: Mapped[datetime | None]
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]


class Recognition(Base):
    """A recognition decision (quyết định công nhận) for a unit's assessed year."""

    __tablename__ = "recognitions"
    __table_args__ = (UniqueConstraint("unit_id", "year", "decision_number"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    decision_number: Mapped[str] = mapped_column(String(64))
    decided_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]


class ConversationSession(Base):
    """The state of record of one person's questionnaire for one unit and year (engine session as JSON)."""

    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("person_id", "unit_id", "year", "questionnaire_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[dict[str, Any]]
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]


class OfficerFlow(Base):
    """A person's multi-step officer action in progress (a broadcast being composed, ...): its state as JSON.
    No row: no action in progress."""

    __tablename__ = "officer_flows"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True, autoincrement=False)
    state: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class Council(Base):
    """The appraisal council a body (Phòng GD&ĐT of a district) sets up for a year (TT25 Điều 9.2.b); saving it
    again replaces its members (migration 0010)."""

    __tablename__ = "councils"
    __table_args__ = (UniqueConstraint("body_unit_id", "year"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    body_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]


class CouncilMemberRow(Base):
    """One member of a council, with their role (chair, secretary, member)."""

    __tablename__ = "council_members"
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), primary_key=True, autoincrement=False)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id"), primary_key=True, autoincrement=False, index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)  # the order they were listed in


class Opinion(Base):
    """A council member's written opinion on one criterion of one dossier (Điều 9.2.c); a later one on the same
    criterion replaces it."""

    __tablename__ = "opinions"
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), primary_key=True, autoincrement=False)
    member_person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id"), primary_key=True, autoincrement=False
    )
    criterion: Mapped[str] = mapped_column(String(16), primary_key=True)
    agrees: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]


# The rows whose payload is still kept, for the retention prune to find the old ones (migration 0008).
_KEPT: dict[str, Any] = {
    "sqlite_where": text("payload IS NOT NULL"),
    "postgresql_where": text("payload IS NOT NULL"),
}


class InboxEvent(Base):
    """A raw channel update, stored before it is acknowledged; the unique key drops redeliveries."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_inbox_pending", "status", "user_key", "id"),
        Index("ix_inbox_queue", "channel", "status", "id"),
        Index("ix_inbox_payload_kept", "processed_at", **_KEPT),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    user_key: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any] | None]  # None: dropped once handled (retention); the row stays
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """A message to deliver; broadcasts and reminders are rows too, so a crash loses nothing."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index("ix_outbox_queue", "channel", "status", "lane", "id"),
        Index("ix_outbox_chat", "channel", "chat_id", "status", "id"),
        Index("ix_outbox_payload_kept", "created_at", **_KEPT),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    payload: Mapped[dict[str, Any] | None]  # None: dropped some days after it was sent (retention)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    lane: Mapped[int] = mapped_column(
        SmallInteger, default=0, server_default="0"
    )  # 0 reply, 1 notice, 2 bulk
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    dedupe_key: Mapped[str | None] = mapped_column(String(128))
    edit_key: Mapped[str | None] = mapped_column(String(64))
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    inbox_id: Mapped[int | None] = mapped_column(ForeignKey("inbox.id"))
    not_before: Mapped[datetime]
    external_message_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who changed what, when, and why: answers, reviews, recognitions, roster links."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_unit_year", "unit_id", "year", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    action: Mapped[str] = mapped_column(String(32))
    question_id: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new_value: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    actor_name: Mapped[str | None] = mapped_column(String(128))  # «admin@may-chu»: an import's OS user (0012)


class Broadcast(Base):
    __tablename__ = "broadcasts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    text: Mapped[str] = mapped_column(Text)
    attachment_path: Mapped[str | None] = mapped_column(String(512))  # before 0011: a local path
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))  # the file store's id (0011)
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_kind: Mapped[str | None] = mapped_column(String(16))
    audience: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    progress_channel: Mapped[str | None] = mapped_column(String(16))
    progress_chat_id: Mapped[str | None] = mapped_column(String(64))
    queued_through: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # fan-out cursor
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ReminderSent(Base):
    """At most one reminder per person per local day: the unique key enforces it across workers."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("person_id", "day", "kind"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]


class Difficulty(Base):
    """A question or difficulty ("vướng mắc") sent by a person, answered by an admin."""

    __tablename__ = "difficulties"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class Job(Base):
    """Background work (exports, charts) requested in chat; its result is delivered through the outbox."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_pending", "status", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str | None] = mapped_column(String(16))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    result_path: Mapped[str | None] = mapped_column(String(512))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class Dossier(Base):
    """A unit's dossier as sent up (TT25 Điều 9, 14, 19): frozen at sending; a corrected one is a new row."""

    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_unit_year", "unit_id", "year", "id"),
        Index("ix_dossiers_receiver_year", "receiver_unit_id", "year", "id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    receiver_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    stage: Mapped[str] = mapped_column(String(16))
    meeting: Mapped[dict[str, Any]]
    snapshot: Mapped[dict[str, Any]]
    documents: Mapped[list[Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    sent_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    sent_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    reasons: Mapped[str | None] = mapped_column(Text)
    outcome_documents: Mapped[list[Any]] = mapped_column(JSON)


class StoredFile(Base):
    """A file of the database file store (`CDHT_FILE_STORE=database`, migration 0011), by its content's sha256;
    its bytes are the `stored_file_chunks` rows."""

    __tablename__ = "stored_files"
    __table_args__ = (Index("ix_stored_files_export_stored_at", "export", "stored_at"),)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    chunks: Mapped[int] = mapped_column(Integer)
    export: Mapped[bool] = mapped_column(Boolean)  # only ever stored as an export: pruned after retention
    stored_at: Mapped[datetime]  # last stored: an export's retention period starts again


class StoredFileChunk(Base):
    __tablename__ = "stored_file_chunks"
    sha256: Mapped[str] = mapped_column(
        String(64), ForeignKey("stored_files.sha256", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class KeyValue(Base):
    """Small named state (scheduler ticks, polling offsets) that must survive restarts."""

    __tablename__ = "key_values"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]
