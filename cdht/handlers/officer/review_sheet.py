"""One unit's answers as the Mini App's review page shows them: numbered as in /duyet, each with the evidence
that backs it, the review state and the history of approvals and returns."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.definition.question import Question
from cdht.handlers.command_table import allowed
from cdht.handlers.officer.audit_view import ACTIONS
from cdht.handlers.officer.review import NOT_SENT, STATUS_LABELS, answered_questions
from cdht.handlers.ports import (
    INLINE_IMAGES,
    AnswerRecord,
    AuditRecord,
    EvidenceRecord,
    PersonRecord,
    ReviewUnitOfWork,
    UnitRecord,
    media_type,
)

REVIEW_COMMANDS = ("duyet", "duyet_ok", "tralai")
QUESTIONNAIRES = {"village": "village_head", "commune": "commune_officer"}


@dataclass(frozen=True)
class EvidenceItem:
    id: int
    name: str
    mime: str
    is_image: bool
    caption: str | None


@dataclass(frozen=True)
class AnswerRow:
    number: int
    question_id: str
    name: str
    shown: str
    evidence: tuple[EvidenceItem, ...]
    returned: bool


@dataclass(frozen=True)
class ReviewSheet:
    code: str
    name: str
    tier: str
    year: int
    status: str  # approved | returned | submitted | "" (not sent yet)
    status_label: str
    reason: str | None  # the last return's reason, while returned
    rows: tuple[AnswerRow, ...]
    can_act: bool  # approve and return: a village with answers, looked at by a commune officer
    history: tuple[str, ...]  # approvals and returns, newest first
    awaiting: tuple[str, ...] = ()  # returned questions the village has not answered again yet


async def review_sheet(
    uow: ReviewUnitOfWork, person: PersonRecord, unit: UnitRecord, year: int, timezone: str
) -> ReviewSheet:
    """A village's answers as its commune reviews them; a commune's own (read only). `timezone`: the history's
    local time."""
    questionnaire_id = QUESTIONNAIRES.get(unit.tier)
    answered = await answered_questions(uow, unit, year, questionnaire_id) if questionnaire_id else []
    review = await uow.years.get(unit.id, year)
    status = review.status if review is not None and review.status in STATUS_LABELS else ""
    returned = set(review.returned_questions) if review is not None and status == "returned" else set()
    evidence = _evidence_by_row(answered, await uow.evidence.for_unit(unit.id, year))
    rows = tuple(
        AnswerRow(
            number=index + 1,
            question_id=question.id,
            name=question.name,
            shown=answer.display or str(answer.value),
            evidence=tuple(_item(record) for record in evidence.get(index, [])),
            returned=question.id in returned,
        )
        for index, (question, answer) in enumerate(answered)
    )
    names = {q.id: q.name for q, _ in answered}
    if questionnaire_id:
        names = {q.id: q.name for q in builtin_questionnaires()[questionnaire_id].questions} | names
    return ReviewSheet(
        code=unit.code,
        name=unit.name,
        tier=unit.tier,
        year=year,
        status=status,
        status_label=STATUS_LABELS.get(status, NOT_SENT),
        reason=review.note if review is not None and status == "returned" else None,
        rows=rows,
        can_act=unit.tier == "village"
        and bool(rows)
        and all(allowed(person.role, command) for command in REVIEW_COMMANDS),
        history=await _history(uow, unit, year, names, ZoneInfo(timezone)),
        awaiting=_awaiting(returned - {question.id for question, _ in answered}, names),
    )


def _awaiting(question_ids: set[str], names: dict[str, str]) -> tuple[str, ...]:
    """Returned answers are withdrawn until the village answers again: named here, in questionnaire order."""
    order = {question: place for place, question in enumerate(names)}
    return tuple(names.get(q, q) for q in sorted(question_ids, key=lambda q: order.get(q, len(order))))


async def evidence_in_unit(
    uow: ReviewUnitOfWork, unit: UnitRecord, year: int, evidence_id: int
) -> EvidenceRecord | None:
    """The unit's evidence of that year with this id, when its file is in the file store."""
    records = await uow.evidence.for_unit(unit.id, year)
    return next((r for r in records if r.id == evidence_id and r.sha256), None)


def _evidence_by_row(
    answered: Sequence[tuple[Question, AnswerRecord]], records: Sequence[EvidenceRecord]
) -> dict[int, list[EvidenceRecord]]:
    """Each stored file under the answer it backs, as /duyet counts them (by the fact, else the question id:
    a photo sent at «Ảnh buổi tuyên truyền» backs «Số buổi tuyên truyền»); under the question it was sent at
    when the answer it backs is not there (withdrawn to be fixed)."""
    by_key: dict[str, int] = {}
    by_id: dict[str, int] = {}
    for number, (question, _) in enumerate(answered):
        by_key.setdefault(question.fact or question.id, number)
        by_id[question.id] = number
    rows: dict[int, list[EvidenceRecord]] = {}
    for record in sorted(records, key=lambda r: r.id):
        row = by_key.get(record.fact or record.question_id)
        if row is None:
            row = by_id.get(record.question_id)
        if row is not None and record.sha256:
            rows.setdefault(row, []).append(record)
    return rows


def _item(record: EvidenceRecord) -> EvidenceItem:
    mime = record.mime_type or media_type(record.original_name or "")
    if mime == "application/octet-stream" and record.media_type == "photo":
        mime = "image/jpeg"  # the platforms send a chat photo as a JPEG, with no name or type
    name = record.original_name or (
        f"{'anh' if mime.startswith('image/') else 'tep'}-{record.id}{mimetypes.guess_extension(mime) or ''}"
    )
    return EvidenceItem(record.id, name, mime, mime in INLINE_IMAGES, record.caption or None)


async def _history(
    uow: ReviewUnitOfWork, unit: UnitRecord, year: int, names: dict[str, str], zone: ZoneInfo
) -> tuple[str, ...]:
    """«06/12/2026 09:30 · Trần Thị B · 🟢 duyệt», «… · ↩️ trả lại «Số công dân»: chưa khớp sổ hộ khẩu». A
    return is stored as the answers it reopened, each with the reason: one line for those of one moment."""
    entries = [e for e in await uow.audit.for_units([unit.id], year) if e.unit_id == unit.id]
    groups: list[list[AuditRecord]] = []
    for entry in entries:
        if entry.action == "reopen" and groups and _same_return(groups[-1][-1], entry):
            groups[-1].append(entry)
        elif entry.action in ("approve", "reopen", "return"):
            groups.append([entry])
    order = {question: place for place, question in enumerate(names)}  # questionnaire order
    people: dict[int, str] = {}
    lines = []
    for group in groups:
        first = group[0]
        who = await _who(uow, first, people)
        when = f"{first.created_at.astimezone(zone):%d/%m/%Y %H:%M}"
        if first.action == "approve":
            lines.append(f"{when} · {who} · 🟢 {ACTIONS['approve']}")
            continue
        reopened = sorted(
            {e.question_id for e in group if e.question_id}, key=lambda q: order.get(q, len(order))
        )
        asked = ", ".join(f"«{names.get(question, question)}»" for question in reopened)
        reason = f": {first.reason}" if first.reason else ""
        lines.append(f"{when} · {who} · ↩️ {ACTIONS['return']}{' ' + asked if asked else ''}{reason}")
    return tuple(reversed(lines))


def _same_return(before: AuditRecord, entry: AuditRecord) -> bool:
    return before.action == "reopen" and (before.created_at, before.actor_id, before.reason) == (
        entry.created_at,
        entry.actor_id,
        entry.reason,
    )


async def _who(uow: ReviewUnitOfWork, entry: AuditRecord, people: dict[int, str]) -> str:
    if entry.actor_id is None:
        return entry.actor_name or "—"
    if entry.actor_id not in people:
        person = await uow.people.get(entry.actor_id)
        people[entry.actor_id] = person.name if person else "?"
    return people[entry.actor_id]
