"""Streaming the current answers of many units (the raw data export), on SQLite, PostgreSQL and the fake."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from cdht.handlers.ports import NewAnswer, NewEvidence, UnitOfWork
from tests.conftest import NOW

Factory = Callable[[], UnitOfWork]


def _answer(
    unit_id: int, question: str, value: object, minutes: int = 0, person: int | None = None
) -> NewAnswer:
    return NewAnswer(
        unit_id=unit_id,
        year=2025,
        question_id=question,
        value=value,  # type: ignore[arg-type]
        answered_at=NOW + timedelta(minutes=minutes),
        source="chat",
        display=str(value),
        person_id=person,
        questionnaire_id="village_head",
        questionnaire_version=2,
    )


async def _seed(factory: Factory) -> dict[str, int]:
    async with factory() as uow:
        commune = await uow.units.add("X1", "Xã Một", "commune", None, NOW)
        ids = {"X1": commune.id}
        for code in ("T1", "T2", "T3", "T4"):
            ids[code] = (await uow.units.add(code, f"Thôn {code}", "village", commune.id, NOW)).id
        head = await uow.people.add("Nguyễn Thị Ánh", "+84912000001", "village_head", ids["T2"], NOW)
        ids["head"] = head.id
        await uow.answers.add(_answer(ids["T2"], "households", 100, person=head.id))
        await uow.answers.add(_answer(ids["T2"], "households", 120, minutes=5, person=head.id))  # corrected
        await uow.answers.add(_answer(ids["T2"], "citizens", 400, person=head.id))
        await uow.answers.add(_answer(ids["T2"], "clubs", 3))
        await uow.answers.add(_answer(ids["T2"], "clubs", None, minutes=9))  # withdrawn: no longer current
        await uow.answers.add(_answer(ids["T1"], "households", 80))
        await uow.answers.add(_answer(ids["T4"], "households", 60))
        await uow.answers.add(_answer(ids["T3"], "households", 70))
        await uow.answers.add(replace(_answer(ids["T3"], "citizens", 1), year=2024))
        for unit, question in (("T2", "club_photos"), ("T3", "communication_photos"), ("T1", "club_photos")):
            await uow.evidence.add(
                NewEvidence(ids[unit], 2025, question, "photo", NOW, sha256="a" * 64, original_name="họp.jpg")
            )
        await uow.commit()
    return ids


class TestAnswerStreamContract:
    async def test_current_answers_come_in_the_order_asked_with_who_gave_them(
        self, backend_uow_factory: Factory
    ) -> None:
        ids = await _seed(backend_uow_factory)
        order = [ids["X1"], ids["T2"], ids["T4"], ids["T1"], ids["T3"]]
        async with backend_uow_factory() as uow:
            batches = [batch async for batch in uow.answers.stream_current(order, 2025, units_per_batch=2)]
            total = await uow.answers.count_current(order, 2025)
        rows = [
            (item.answer.unit_id, item.answer.question_id, item.answer.value, item.answered_by)
            for batch in batches
            for item in batch
        ]
        assert rows == [
            (ids["T2"], "citizens", 400, "Nguyễn Thị Ánh"),
            (ids["T2"], "households", 120, "Nguyễn Thị Ánh"),
            (ids["T4"], "households", 60, None),
            (ids["T1"], "households", 80, None),
            (ids["T3"], "households", 70, None),
        ]
        for batch in batches:  # at most two units a batch, and a unit never split between batches
            assert len({item.answer.unit_id for item in batch}) <= 2
        seen = [sorted({item.answer.unit_id for item in batch}) for batch in batches]
        assert sum(len(units) for units in seen) == len({unit for units in seen for unit in units})
        assert total == 6  # the withdrawn answer's pair is counted: an upper bound of the rows
        first = batches[0][0].answer
        assert (first.questionnaire_id, first.questionnaire_version, first.display) == (
            "village_head",
            2,
            "400",
        )

    async def test_nothing_is_read_for_no_units(self, backend_uow_factory: Factory) -> None:
        await _seed(backend_uow_factory)
        async with backend_uow_factory() as uow:
            assert [batch async for batch in uow.answers.stream_current([], 2025)] == []
            assert await uow.answers.count_current([], 2025) == 0

    async def test_evidence_of_many_units(self, backend_uow_factory: Factory) -> None:
        ids = await _seed(backend_uow_factory)
        async with backend_uow_factory() as uow:
            found = await uow.evidence.for_units([ids["T1"], ids["T2"]], 2025)
            assert await uow.evidence.for_units([ids["T1"]], 2024) == []
            assert await uow.evidence.for_units([], 2025) == []
        assert [(e.unit_id, e.question_id, e.original_name) for e in found] == [
            (ids["T2"], "club_photos", "họp.jpg"),
            (ids["T1"], "club_photos", "họp.jpg"),
        ]
