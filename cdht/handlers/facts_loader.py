"""Gather what the scorer reads (cdht.scoring.facts) for a unit and year from stored answers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import cast

from cdht.handlers.ports import AnswerRecord, FactsUnitOfWork, UnitRecord
from cdht.scoring.facts import Fact, FactValue, Recognition, RecognitionValidity, Tier, UnitFacts


def _fact_value(value: object) -> FactValue:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)


def facts_from_answers(answers: Mapping[str, AnswerRecord], evidence: Mapping[str, int]) -> dict[str, Fact]:
    """Latest answer per fact key (a question's fact, else its id); the newest answer wins when
    several questions feed one fact."""
    facts: dict[str, Fact] = {}
    for answer in sorted(answers.values(), key=lambda a: a.id):
        key = answer.fact or answer.question_id
        facts[key] = Fact(_fact_value(answer.value), evidence.get(key, 0))
    return facts


class UnitTreeError(ValueError):
    """The stored unit tree loops back on itself below a unit (data stored before imports were checked as a
    whole, or written around them): nothing can be scored until the roster is put right."""

    def __init__(self, unit: UnitRecord) -> None:
        super().__init__(
            f"Cây đơn vị dưới {unit.name} ({unit.code}) đang bị lỗi: có đơn vị nằm dưới chính nó. "
            "Xin quản trị nhập lại danh sách đơn vị cho đúng (cdht import-roster) rồi thử lại."
        )
        self.unit_code = unit.code


async def load_unit_facts(
    uow: FactsUnitOfWork, unit: UnitRecord, year: int, validity: RecognitionValidity = "assessed_year"
) -> UnitFacts:
    """The unit with its whole subtree, in a fixed number of queries whatever the tree's size; `validity` is
    how recognitions are read (settings.recognition_validity, FACTS.md "Recognitions").
    Raises UnitTreeError when the subtree loops back to the unit (the walk itself is bounded)."""
    subtree = await uow.units.subtree(unit.id)
    ids = [u.id for u in subtree]
    if unit.parent_id is not None and unit.parent_id in ids:  # each unit once: a loop must pass the unit
        raise UnitTreeError(unit)
    current = await uow.answers.latest_for_units(ids, year)
    previous = await uow.answers.latest_for_units(ids, year - 1)
    evidence = await uow.evidence.counts(ids, year)
    previous_evidence = await uow.evidence.counts(ids, year - 1)
    recognitions: dict[int, list[Recognition]] = {}
    for decision in await uow.recognitions.for_units(ids):
        recognitions.setdefault(decision.unit_id, []).append(
            Recognition(decision.level, decision.year, decision.decision_number, decision.decided_on)
        )
    children: dict[int | None, list[UnitRecord]] = {}
    for member in subtree:
        children.setdefault(member.parent_id, []).append(member)

    def build(node: UnitRecord) -> UnitFacts:
        return UnitFacts(
            unit_code=node.code,
            unit_name=node.name,
            tier=cast(Tier, node.tier),
            year=year,
            facts=facts_from_answers(current.get(node.id, {}), evidence.get(node.id, {})),
            previous_year=facts_from_answers(previous.get(node.id, {}), previous_evidence.get(node.id, {})),
            children=tuple(build(child) for child in sorted(children.get(node.id, []), key=lambda u: u.code)),
            recognitions=tuple(recognitions.get(node.id, [])),
            recognition_validity=validity,
        )

    return build(unit)
