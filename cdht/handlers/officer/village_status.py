"""Where each village of a commune stands: not started, answering (n of m), completed, returned, approved."""

from __future__ import annotations

from dataclasses import dataclass

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.engine.routing import relevant_questions
from cdht.conversations.engine.session import Session
from cdht.handlers.ports import PersonRecord, UnitRecord, VillageStatusUnitOfWork

STATE_WORDS = {
    "not_started": "chưa bắt đầu",
    "in_progress": "đang trả lời",
    "completed": "đã hoàn thành, chờ duyệt",
    "returned": "đã trả lại để sửa",
    "approved": "đã duyệt",
}
STATE_MARKS = {"not_started": "⏺", "in_progress": "✍️", "completed": "✅", "returned": "↩️", "approved": "🟢"}
STATE_LABELS = {state: f"{STATE_MARKS[state]} {words}" for state, words in STATE_WORDS.items()}


@dataclass(frozen=True)
class VillageState:
    unit: UnitRecord
    state: str
    answered: int
    total: int
    heads: tuple[PersonRecord, ...]

    @property
    def done(self) -> bool:
        return self.state in ("completed", "approved")

    def line(self) -> str:
        label = STATE_LABELS[self.state]
        if self.state == "in_progress":
            label += f" {self.answered}/{self.total}"
        who = ", ".join(p.name for p in self.heads) or "chưa có trưởng thôn"
        return f"• {self.unit.name} — {label} ({who})"


async def village_states(uow: VillageStatusUnitOfWork, commune: UnitRecord, year: int) -> list[VillageState]:
    villages = [u for u in await uow.units.children(commune.id) if u.tier == "village"]
    return (await _states(uow, villages, year)).get(commune.id, [])


async def village_states_below(
    uow: VillageStatusUnitOfWork, top: UnitRecord, year: int
) -> dict[int, list[VillageState]]:
    """The villages of every commune under `top` (a district's or a province's hundred communes) in four
    reads, not four per commune; keyed by commune id, each commune's villages in code order as
    `village_states` lists them."""
    villages = [u for u in await uow.units.subtree(top.id) if u.tier == "village"]
    return await _states(uow, sorted(villages, key=lambda unit: unit.code), year)


async def _states(
    uow: VillageStatusUnitOfWork, villages: list[UnitRecord], year: int
) -> dict[int, list[VillageState]]:
    ids = [v.id for v in villages]
    questionnaire = builtin_questionnaires()["village_head"]
    sessions: dict[int, Session] = {}
    completed: set[int] = set()
    for record in await uow.sessions.for_units(ids, year, questionnaire.id):
        if record.unit_id not in sessions:
            sessions[record.unit_id] = Session.model_validate(record.state)
            if record.completed:
                completed.add(record.unit_id)
    reviews = await uow.years.for_units(ids, year)
    heads_by_unit: dict[int, list[PersonRecord]] = {}
    for person in await uow.people.in_units(ids):
        if person.role == "village_head" and person.active:
            heads_by_unit.setdefault(person.unit_id, []).append(person)
    required = len([q for q in questionnaire.questions if q.required])
    states: dict[int, list[VillageState]] = {}
    for village in villages:
        session = sessions.get(village.id)
        answered, total = 0, required
        if session is not None:
            relevant = relevant_questions(session, questionnaire)
            total = len(relevant)
            answered = sum(1 for q in relevant if q.id in session.answers)
        review = reviews.get(village.id)
        if review is not None and review.status in ("approved", "returned"):
            state = review.status
        elif village.id in completed:
            state = "completed"
        elif session is not None and answered:
            state = "in_progress"
        else:
            state = "not_started"
        heads = tuple(heads_by_unit.get(village.id, ()))
        if village.parent_id is not None:
            states.setdefault(village.parent_id, []).append(
                VillageState(village, state, answered, total, heads)
            )
    return states
