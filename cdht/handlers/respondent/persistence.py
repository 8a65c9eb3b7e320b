"""Storing what the engine decided: answer versions, withdrawals, evidence, the session, and the audit log."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.definition.values import GeoPoint, to_json
from cdht.conversations.engine.events import (
    AnswerRecorded,
    Completed,
    Event,
    EvidenceAttached,
    QuestionReopened,
)
from cdht.conversations.engine.session import Session
from cdht.handlers.ports import (
    AuditRecord,
    NewAnswer,
    NewEvidence,
    PersistUnitOfWork,
    PersonRecord,
    SessionRecord,
    UnitRecord,
    YearRecord,
)


@dataclass(frozen=True)
class ChangeOrigin:
    """Whose session changed (`owner`), who caused it (`actor`: the owner, a reviewer, or None for an import),
    and why."""

    owner: PersonRecord
    actor: PersonRecord | None
    unit: UnitRecord
    year: int
    questionnaire: Questionnaire
    channel: str
    now: datetime
    review: YearRecord | None  # the unit's review state for the year, as the caller read (or wrote) it
    reason: str | None = None


async def persist(
    uow: PersistUnitOfWork, origin: ChangeOrigin, session: Session, events: list[Event]
) -> bool:
    """Store the events and the session; returns True when the questionnaire was (re)completed. An answer to a
    question worded by a setting is stored with the value it was asked in (the fact named after the setting,
    e.g. a village's `citizen_base`): what was counted, not what the setting says later."""
    questionnaire = origin.questionnaire.worded(session.settings)
    review = origin.review
    returned = set(review.returned_questions) if review and review.status == "returned" else set()
    stamp = functools.partial(
        NewAnswer,
        unit_id=origin.unit.id,
        year=origin.year,
        person_id=origin.actor.id if origin.actor else None,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_hash=questionnaire.content_hash,
    )
    stored = (
        await uow.answers.latest(origin.unit.id, origin.year)
        if any(isinstance(e, QuestionReopened) for e in events)
        else {}
    )
    for event in events:
        if isinstance(event, AnswerRecorded):
            value = to_json(event.value) if isinstance(event.value, GeoPoint) else event.value
            await uow.answers.add(
                stamp(
                    question_id=event.question_id,
                    fact=event.fact,
                    value=value,
                    display=event.display,
                    source="chat",
                    answered_at=event.answered_at,
                )
            )
            why = (review.note if review else None) if event.question_id in returned else origin.reason
            await _audit(uow, origin, "answer", event.question_id, event.previous_value, value, why)
            asked = questionnaire.get(event.question_id)
            variation = asked.varies_by if asked is not None else None
            if variation is not None:
                counted_on = questionnaire.settings[variation.setting]
                await uow.answers.add(
                    stamp(
                        question_id=variation.setting,
                        fact=variation.setting,
                        value=counted_on,
                        display=variation.variants[counted_on].name,
                        source="chat",
                        answered_at=event.answered_at,
                    )
                )
        elif isinstance(event, QuestionReopened):
            # Withdraw the answer: the newest row wins, so an empty row makes it "missing" again.
            question = questionnaire.get(event.question_id)
            old = stored.get(event.question_id)
            await uow.answers.add(
                stamp(
                    question_id=event.question_id,
                    fact=question.fact if question else None,
                    value=None,
                    display="",
                    source="reopened",
                    answered_at=origin.now,
                )
            )
            await _audit(
                uow, origin, "reopen", event.question_id, old.value if old else None, None, event.reason
            )
        elif isinstance(event, EvidenceAttached):
            await uow.evidence.add(_evidence(event, origin))
    completed = any(isinstance(e, Completed) for e in events)
    await uow.sessions.save(
        SessionRecord(
            person_id=origin.owner.id,
            unit_id=origin.unit.id,
            year=origin.year,
            questionnaire_id=questionnaire.id,
            state=session.model_dump(mode="json"),
            completed=completed or session.state == "completed",
            updated_at=origin.now,
        )
    )
    if completed:
        deadline = review.deadline if review else None
        await uow.years.save(
            YearRecord(origin.unit.id, origin.year, "submitted", deadline=deadline), origin.now
        )
    return completed


async def _audit(
    uow: PersistUnitOfWork,
    origin: ChangeOrigin,
    action: str,
    question_id: str,
    old: object,
    new: object,
    reason: str | None,
) -> None:
    if isinstance(old, GeoPoint):
        old = to_json(old)
    await uow.audit.add(
        AuditRecord(
            action=action,
            created_at=origin.now,
            unit_id=origin.unit.id,
            year=origin.year,
            actor_id=origin.actor.id if origin.actor else None,
            question_id=question_id,
            old_value=old,
            new_value=new,
            reason=reason,
        )
    )


def _evidence(event: EvidenceAttached, origin: ChangeOrigin) -> NewEvidence:
    questionnaire = origin.questionnaire
    backed = (
        questionnaire.get(event.evidence_for) if event.evidence_for else questionnaire.get(event.question_id)
    )
    media = event.media
    return NewEvidence(
        unit_id=origin.unit.id,
        year=origin.year,
        question_id=event.question_id,
        fact=backed.fact if backed else None,
        media_type=media.kind,
        mime_type=media.mime_type,
        size=media.size,
        sha256=media.sha256,
        channel=origin.channel,
        channel_file_id=media.file_ref,
        channel_file_unique_id=media.file_unique_id,
        original_name=media.file_name,
        caption=media.caption,
        latitude=media.latitude,
        longitude=media.longitude,
        taken_at=media.taken_at,
        person_id=origin.actor.id if origin.actor else None,
        created_at=origin.now,
    )
