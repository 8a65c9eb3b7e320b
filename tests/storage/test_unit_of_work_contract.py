"""Contract of the unit of work's transactions and of the audience and record queries the other contract files
leave out, on every backend: SQLite, PostgreSQL and the in-memory fake."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from cdht.handlers.ports import (
    AuditRecord,
    DifficultyRecord,
    EvidenceRecord,
    NewAnswer,
    NewEvidence,
    RecognitionRecord,
    SessionRecord,
    UnitOfWork,
    YearRecord,
)
from tests.conftest import NOW

Factory = Callable[[], UnitOfWork]


async def _codes(factory: Factory) -> list[str]:
    async with factory() as uow:
        return [unit.code for unit in await uow.units.all()]


class TestTransactions:
    async def test_a_rollback_drops_only_what_came_after_the_last_commit(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            await uow.units.add("KEPT", "Xã Một", "commune", None, NOW)
            await uow.commit()
            await uow.units.add("DROPPED", "Xã Hai", "commune", None, NOW)
            await uow.rollback()
            assert [unit.code for unit in await uow.units.all()] == ["KEPT"]
            await uow.units.add("AFTER", "Xã Ba", "commune", None, NOW)
            await uow.commit()
            await uow.units.add("LEFT", "Xã Bốn", "commune", None, NOW)  # never committed
        assert await _codes(backend_uow_factory) == ["KEPT", "AFTER"]

    async def test_others_see_changes_only_once_committed(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as writer:
            await writer.units.add("C", "Xã", "commune", None, NOW)
            await writer.key_values.put("tick", {"at": 1}, NOW)
            async with backend_uow_factory() as reader:
                assert await reader.units.all() == []
                assert await reader.key_values.get("tick") is None
            await writer.commit()
        assert await _codes(backend_uow_factory) == ["C"]

    async def test_a_key_value_read_is_a_copy(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            await uow.key_values.put("offsets", {"telegram": 5}, NOW)
            await uow.key_values.put("offsets", {"telegram": 7, "zalo": 1}, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            value = await uow.key_values.get("offsets")
            assert value == {"telegram": 7, "zalo": 1}
            value["telegram"] = 99
            assert await uow.key_values.get("offsets") == {"telegram": 7, "zalo": 1}


class TestAudienceQueries:
    async def test_pages_and_reachable_counts_of_people_in_units(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            commune = await uow.units.add("C", "Xã", "commune", None, NOW)
            village = await uow.units.add("V", "Thôn", "village", commune.id, NOW)
            other = await uow.units.add("X", "Xã khác", "commune", None, NOW)
            officer = await uow.people.add("Cán bộ", "+84900000001", "commune_officer", commune.id, NOW)
            heads = [
                await uow.people.add(f"Trưởng thôn {n}", f"+8491000000{n}", "village_head", village.id, NOW)
                for n in range(4)
            ]
            outsider = await uow.people.add("Người ngoài", "+84920000000", "village_head", other.id, NOW)
            for person in [officer, *heads[:3], outsider]:
                await uow.people.link_identity(person.id, "telegram", str(person.id), str(person.id), NOW)
            await uow.people.link_identity(heads[0].id, "zalo", "z0", "z0", NOW)
            await uow.people.set_reachable(heads[2].id, False)
            await uow.commit()
        units = [commune.id, village.id]
        async with backend_uow_factory() as uow:
            page = await uow.people.page_in_units(units, after_id=officer.id, limit=2)
            assert [p.id for p in page] == [heads[0].id, heads[1].id]
            rest = await uow.people.page_in_units(units, after_id=heads[1].id, limit=10, role="village_head")
            assert [p.id for p in rest] == [heads[2].id, heads[3].id]
            assert await uow.people.page_in_units(units, after_id=0, limit=5, role="province_admin") == []
            assert await uow.people.page_in_units([], after_id=0, limit=5) == []
            # linked and reachable: the officer, heads 0 and 1 (2 is unreachable, 3 has no account)
            assert await uow.people.count_reachable(units, role=None, besides=0) == 3
            assert await uow.people.count_reachable(units, role=None, besides=officer.id) == 2
            assert await uow.people.count_reachable(units, role="commune_officer", besides=0) == 1
            assert await uow.people.count_reachable([], role=None, besides=0) == 0
            accounts = await uow.people.identities_of([heads[0].id, heads[3].id, outsider.id])
            assert {person: sorted(i.channel for i in found) for person, found in accounts.items()} == {
                heads[0].id: ["telegram", "zalo"],
                outsider.id: ["telegram"],
            }
            assert await uow.people.identities_of([]) == {}
            assert [p.id for p in await uow.people.all()] == [officer.id, *(h.id for h in heads), outsider.id]
            assert await uow.people.by_identity("zalo", "nobody") is None

    async def test_a_leaf_unit_is_its_own_subtree(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            commune = await uow.units.add("C", "Xã", "commune", None, NOW)
            late = await uow.units.add("B", "Thôn B", "village", None, NOW)
            await uow.units.add("A", "Thôn A", "village", commune.id, NOW)
            await uow.units.update(late.id, name="Thôn Bê", tier="village", parent_id=commune.id)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert [u.code for u in await uow.units.subtree(commune.id)] == ["C", "B", "A"]  # by id in a tier
            assert [u.code for u in await uow.units.children(commune.id)] == ["A", "B"]  # by code
            assert [u.code for u in await uow.units.subtree(late.id)] == ["B"]
            assert await uow.units.children(late.id) == []
            assert await uow.units.subtree(late.id + 100) == []
            assert await uow.units.by_code("nope") is None
            assert await uow.units.by_codes([]) == {}


class TestRecordQueries:
    async def test_records_of_several_units(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            first = await uow.units.add("V1", "Thôn 1", "village", None, NOW)
            second = await uow.units.add("V2", "Thôn 2", "village", None, NOW)
            person = await uow.people.add("A", "+84912345678", "village_head", first.id, NOW)
            for unit, year, value in [(first, 2024, 1), (second, 2024, 2), (second, 2023, 3)]:
                await uow.answers.add(NewAnswer(unit.id, year, "q", value, NOW, "chat", person_id=person.id))
            await uow.years.save(YearRecord(first.id, 2024, "submitted"), NOW)
            await uow.years.save(YearRecord(second.id, 2023, "approved"), NOW)
            for unit, year, number in [(second, 2023, "2/QĐ"), (first, 2022, "1/QĐ"), (second, 2024, "3/QĐ")]:
                await uow.recognitions.add(
                    RecognitionRecord(unit.id, year, 1, number, date(year + 1, 1, 2), "UBND"), NOW
                )
            photo = await uow.evidence.add(NewEvidence(second.id, 2024, "q", "photo", NOW, fact="1.1"))
            await uow.evidence.add(NewEvidence(first.id, 2024, "q", "document", NOW))
            await uow.audit.add(AuditRecord("answer", NOW, first.id, 2024, person.id, "q", None, [1, 2]))
            await uow.audit.add(AuditRecord("link", NOW, second.id, None, person.id))
            await uow.commit()
        units = [first.id, second.id]
        async with backend_uow_factory() as uow:
            latest = await uow.answers.latest_for_units(units, 2024)
            assert {unit: answers["q"].value for unit, answers in latest.items()} == {
                first.id: 1,
                second.id: 2,
            }
            assert list(await uow.answers.latest_for_units([first.id], 2023)) == []
            assert await uow.answers.latest_for_units([], 2024) == {}
            assert await uow.years.for_units(units, 2024) == {
                first.id: YearRecord(first.id, 2024, "submitted")
            }
            assert await uow.years.for_units([], 2024) == {}
            decisions = await uow.recognitions.for_units(units)
            assert [d.decision_number for d in decisions] == ["2/QĐ", "1/QĐ", "3/QĐ"]  # as recorded
            assert photo == EvidenceRecord(second.id, 2024, "q", "photo", NOW, fact="1.1", id=photo.id)
            assert await uow.evidence.counts(units, 2024) == {first.id: {"q": 1}, second.id: {"1.1": 1}}
            assert [a.action for a in await uow.audit.for_units(units)] == ["answer", "link"]
            [answered] = await uow.audit.for_units(units, 2024)
            assert answered.new_value == [1, 2] and answered.old_value is None
            assert await uow.audit.for_units([]) == []

    async def test_sessions_of_units_newest_first(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            unit = await uow.units.add("V", "Thôn", "village", None, NOW)
            people = [
                await uow.people.add(f"P{n}", f"+8491234567{n}", "village_head", unit.id, NOW)
                for n in range(3)
            ]
            for minutes, person in zip((5, 1, 9), people, strict=True):
                state = {"cursor": minutes}
                saved_at = NOW + timedelta(minutes=minutes)
                await uow.sessions.save(
                    SessionRecord(person.id, unit.id, 2024, "village_head", state, False, saved_at)
                )
            await uow.sessions.save(SessionRecord(people[0].id, unit.id, 2024, "other", {}, True, NOW))
            await uow.commit()
        async with backend_uow_factory() as uow:
            newest_first = await uow.sessions.for_units([unit.id], 2024, "village_head")
            assert [s.person_id for s in newest_first] == [people[2].id, people[0].id, people[1].id]
            assert await uow.sessions.for_units([unit.id], 2023, "village_head") == []
            assert await uow.sessions.for_units([], 2024, "village_head") == []
            mine = await uow.sessions.for_person(people[0].id)
            assert [s.questionnaire_id for s in mine] == ["village_head", "other"]
            mine[0].state["cursor"] = 99  # a read is a copy
            assert (await uow.sessions.for_person(people[0].id))[0].state == {"cursor": 5}

    async def test_reminders_and_difficulties_of_several_people(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            unit = await uow.units.add("C", "Xã", "commune", None, NOW)
            other_unit = await uow.units.add("X", "Xã khác", "commune", None, NOW)
            first = await uow.people.add("A", "+84912345678", "village_head", unit.id, NOW)
            second = await uow.people.add("B", "+84912345679", "village_head", unit.id, NOW)
            for person, day, kind in [
                (first.id, date(2025, 1, 5), "answers"),
                (first.id, date(2025, 1, 9), "answers"),
                (first.id, date(2025, 2, 1), "recognition"),
                (second.id, date(2025, 1, 7), "answers"),
            ]:
                assert await uow.reminders.record(person, day, kind, NOW)
            asked = [
                await uow.difficulties.add(DifficultyRecord(first.id, unit.id, f"Câu {n}", "open", NOW))
                for n in range(3)
            ]
            await uow.difficulties.add(DifficultyRecord(second.id, other_unit.id, "Khác", "open", NOW))
            await uow.difficulties.answer(asked[1].id, "Đã trả lời", second.id, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            last = await uow.reminders.last_days([first.id, second.id, second.id + 100], "answers")
            assert last == {first.id: date(2025, 1, 9), second.id: date(2025, 1, 7)}
            assert await uow.reminders.last_days([], "answers") == {}
            still_open = await uow.difficulties.open_for_units([unit.id])
            assert [d.text for d in still_open] == ["Câu 0", "Câu 2"]
            assert still_open[0] == DifficultyRecord(first.id, unit.id, "Câu 0", "open", NOW, id=asked[0].id)
            answered = await uow.difficulties.get(asked[1].id)
            assert answered is not None and (answered.status, answered.answered_by) == ("answered", second.id)
            assert await uow.difficulties.get(asked[2].id + 100) is None
            assert await uow.difficulties.open_for_units([]) == []

    async def test_difficulties_raised_in_a_period(self, backend_uow_factory: Factory) -> None:
        """The yearly report's list: answered or not, in the units asked for, from `since` to before `until`."""
        start, end = NOW - timedelta(days=10), NOW + timedelta(days=10)
        async with backend_uow_factory() as uow:
            unit = await uow.units.add("C", "Xã", "commune", None, NOW)
            other_unit = await uow.units.add("X", "Xã khác", "commune", None, NOW)
            person = await uow.people.add("A", "+84912345678", "village_head", unit.id, NOW)
            when = [start - timedelta(seconds=1), start, NOW + timedelta(days=1), NOW, end]
            asked = [
                await uow.difficulties.add(DifficultyRecord(person.id, unit.id, f"Câu {n}", "open", moment))
                for n, moment in enumerate(when)
            ]
            await uow.difficulties.add(DifficultyRecord(person.id, other_unit.id, "Khác", "open", NOW))
            await uow.difficulties.answer(asked[2].id, "Đã trả lời", person.id, end)
            await uow.commit()
        async with backend_uow_factory() as uow:
            found = await uow.difficulties.raised_between([unit.id], start, end)
            assert [d.text for d in found] == [
                "Câu 1",
                "Câu 3",
                "Câu 2",
            ]  # oldest first, the ends as [start, end)
            assert (found[2].status, found[2].answer, found[2].answered_at) == ("answered", "Đã trả lời", end)
            assert [
                d.text for d in await uow.difficulties.raised_between([unit.id, other_unit.id], NOW, end)
            ] == [
                "Câu 3",
                "Khác",
                "Câu 2",
            ]
            assert await uow.difficulties.raised_between([], start, end) == []
