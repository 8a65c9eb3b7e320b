"""What the engine tells its caller after each step. Neutral: `render` turns them into messages.

The caller persists AnswerRecorded, QuestionReopened, EvidenceAttached and Completed (append-only history,
latest AnswerRecorded per question wins unless a later QuestionReopened withdrew it) and the session JSON.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from cdht.conversations.definition.values import AnswerValue
from cdht.conversations.inbound import Media

InputKind = Literal["text", "options", "multi_options", "media", "location"]


@dataclass(frozen=True)
class QuestionAsked:
    question_id: str
    number: int
    total: int
    label: str
    help: str
    qtype: str
    choices: tuple[tuple[str, str], ...]
    hint: str  # an example answer, shown as "Ví dụ: …" ("" when buttons say it all)
    can_skip: bool
    can_defer: bool
    can_go_back: bool
    collecting_evidence_count: int = (
        0  # files attached so far to this question (or the evidence question backing it)
    )
    acknowledges_file: bool = False  # re-asked because a file just arrived (once per album)
    expects: InputKind = "text"
    current_display: str | None = None  # the answer being changed (back / edit)
    selected: tuple[str, ...] = ()  # multi_choice codes picked so far
    section: str = ""


@dataclass(frozen=True)
class AnswerRejected:
    question_id: str
    reason: str
    example: str


@dataclass(frozen=True)
class AnswerRecorded:
    question_id: str
    value: AnswerValue
    display: str
    fact: str | None
    previous_value: AnswerValue | None
    answered_at: datetime.datetime


@dataclass(frozen=True)
class EvidenceAttached:
    question_id: str
    media: Media
    evidence_for: str | None = None  # the question this evidence backs (its fact is the indicator)


@dataclass(frozen=True)
class QuestionReopened:
    question_id: str
    reason: str


@dataclass(frozen=True)
class SummaryItem:
    number: int
    question_id: str
    label: str
    display: str  # the answer, or "chưa trả lời" / "để sau"
    answered: bool


@dataclass(frozen=True)
class SummaryShown:
    items: tuple[SummaryItem, ...]
    missing_count: int  # required relevant questions without an answer


@dataclass(frozen=True)
class Completed:
    answered: int
    total: int


@dataclass(frozen=True)
class Notice:
    text: str
    code: str = "info"  # stable key for callers and tests: migrated, stale_button, first_question, ...


Event = (
    QuestionAsked
    | AnswerRejected
    | AnswerRecorded
    | EvidenceAttached
    | QuestionReopened
    | SummaryShown
    | Completed
    | Notice
)
