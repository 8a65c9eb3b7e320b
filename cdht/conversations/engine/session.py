"""The state of one person's pass through one questionnaire: plain data, stored as JSON between messages."""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from cdht.conversations.definition.values import AnswerValue
from cdht.conversations.inbound import Media

SessionState = Literal["asking", "collecting_evidence", "summary", "confirm", "completed"]


class StoredAnswer(BaseModel):
    qtype: str
    value: AnswerValue
    display: str
    revision: int = 1  # of the question when answered; sessions stored before revisions hold 1
    answered_at: datetime.datetime

    @model_validator(mode="after")
    def _restore_date(self) -> StoredAnswer:
        # JSON has no date type: a date answer comes back as ISO text.
        if self.qtype == "date" and isinstance(self.value, str):
            self.value = datetime.date.fromisoformat(self.value)
        return self


class EvidenceRef(BaseModel):
    """One photo or file linked to a question; `file_ref` is the channel's id until the media step stores it."""

    kind: str
    file_ref: str
    sha256: str | None = None
    mime_type: str | None = None
    size: int | None = None
    file_name: str | None = None
    caption: str | None = None
    group_id: str | None = None
    received_at: datetime.datetime | None = None

    @classmethod
    def from_media(cls, media: Media, received_at: datetime.datetime) -> EvidenceRef:
        return cls(
            kind=media.kind,
            file_ref=media.file_ref,
            sha256=media.sha256,
            mime_type=media.mime_type,
            size=media.size,
            file_name=media.file_name,
            caption=media.caption,
            group_id=media.group_id,
            received_at=received_at,
        )

    def same_file(self, other: EvidenceRef) -> bool:
        if self.sha256 and other.sha256:
            return self.sha256 == other.sha256
        return self.file_ref == other.file_ref


class Session(BaseModel):
    """`cursor` is the question being asked (or the one to go back to from a summary).

    `deferred`: answered "chưa biết / để sau", asked again once at the end (`reasked` records that).
    `reopened`: an answer withdrawn because a relation with a later edit failed; must be answered again.
    `editing`: the question opened by "sửa N"; when it and its follow-ups are answered, the summary returns.
    `settings`: what the questions that vary by a setting are worded with (a village: the citizen base its
    commune declared when the session began); changed only through `reword`, which reopens what they worded.
    """

    questionnaire_id: str
    questionnaire_version: int
    questionnaire_hash: str
    state: SessionState = "asking"
    cursor: str | None = None
    cursor_fingerprint: str | None = None  # the definition the person saw; see migration
    answers: dict[str, StoredAnswer] = Field(default_factory=dict)
    deferred: list[str] = Field(default_factory=list)
    reasked: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    reopened: list[str] = Field(default_factory=list)
    evidence: dict[str, list[EvidenceRef]] = Field(default_factory=dict)
    editing: str | None = None
    follow_ups: list[str] = Field(default_factory=list)
    selection: list[str] = Field(default_factory=list)
    last_media_group: str | None = None
    settings: dict[str, str] = Field(default_factory=dict)
    started_at: datetime.datetime
    updated_at: datetime.datetime
    completed_at: datetime.datetime | None = None

    def value(self, question_id: str) -> AnswerValue | None:
        answer = self.answers.get(question_id)
        return None if answer is None else answer.value
