"""One contract for every repository, run against SQLite, the real PostgreSQL server and the in-memory fake."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from unittest.mock import ANY

import pytest

from cdht.handlers.ports import (
    InviteRecord,
    NewAnswer,
    NewEvidence,
    QueuedMessage,
    RecognitionRecord,
    SessionRecord,
    UnitOfWork,
    YearRecord,
)
from tests.conftest import NOW

Factory = Callable[[], UnitOfWork]


async def _tree(uow: UnitOfWork) -> tuple[int, int, int, int]:
    district = await uow.units.add("D1", "Huyện Demo", "district", None, NOW)
    commune = await uow.units.add("C1", "Xã Một", "commune", district.id, NOW)
    village_a = await uow.units.add("V1", "Thôn A", "village", commune.id, NOW)
    village_b = await uow.units.add("V2", "Thôn B", "village", commune.id, NOW)
    return district.id, commune.id, village_a.id, village_b.id


def _answer(unit_id: int, question: str, value: object, minutes: int = 0) -> NewAnswer:
    return NewAnswer(
        unit_id=unit_id,
        year=2024,
        question_id=question,
        value=value,  # type: ignore[arg-type]
        answered_at=NOW + timedelta(minutes=minutes),
        source="chat",
        fact=question,
    )


class TestRepositoryContract:
    async def test_units_form_a_tree(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            district, commune, village_a, village_b = await _tree(uow)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert (await uow.units.by_code("C1")).id == commune  # type: ignore[union-attr]
            assert [u.code for u in await uow.units.children(commune)] == ["V1", "V2"]
            subtree = await uow.units.subtree(district)
            assert [u.code for u in subtree] == ["D1", "C1", "V1", "V2"]
            assert set((await uow.units.by_codes(["V1", "V2", "X"])).keys()) == {"V1", "V2"}
            await uow.units.update(village_b, name="Thôn Bê", tier="village", parent_id=commune)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert (await uow.units.get(village_b)).name == "Thôn Bê"  # type: ignore[union-attr]
            assert await uow.units.get(village_a + 100) is None

    async def test_without_commit_nothing_is_kept(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            await _tree(uow)
        async with backend_uow_factory() as uow:
            assert await uow.units.all() == []

    async def test_people_and_identities(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            _, commune, village, _ = await _tree(uow)
            head = await uow.people.add("Nguyễn Văn A", "+84912345678", "village_head", village, NOW)
            other = await uow.people.add("Trần Thị B", "+84987654321", "commune_officer", commune, NOW)
            await uow.people.link_identity(head.id, "telegram", "111", "111", NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert (await uow.people.by_phone("+84912345678")).id == head.id  # type: ignore[union-attr]
            assert (await uow.people.by_identity("telegram", "111")).id == head.id  # type: ignore[union-attr]
            # the same Telegram account re-linked to another person leaves the first one
            await uow.people.link_identity(other.id, "telegram", "111", "111", NOW)
            # a person who changes account keeps only the new one on that channel
            await uow.people.link_identity(head.id, "telegram", "222", "222", NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert (await uow.people.by_identity("telegram", "111")).id == other.id  # type: ignore[union-attr]
            assert [i.external_id for i in await uow.people.identities(head.id)] == ["222"]
            assert [p.id for p in await uow.people.in_units([commune])] == [other.id]
            await uow.people.set_reachable(head.id, False)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert (await uow.people.get(head.id)).reachable is False  # type: ignore[union-attr]

    async def test_invite_codes_work_once_and_expire(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            _, _, village, _ = await _tree(uow)
            person = await uow.people.add("A", "+84912345678", "village_head", village, NOW)
            await uow.invites.create("ABC123", person.id, NOW, NOW + timedelta(days=7))
            await uow.invites.create("OLD", person.id, NOW, NOW - timedelta(seconds=1))
            await uow.commit()
        async with backend_uow_factory() as uow:
            redeemed = await uow.invites.redeem("ABC123", NOW)
            assert redeemed is not None and redeemed.person_id == person.id
            assert await uow.invites.redeem("ABC123", NOW) is None
            assert await uow.invites.redeem("OLD", NOW) is None
            assert await uow.invites.redeem("NOPE", NOW) is None

    async def test_an_invite_code_keeps_who_made_it(self, backend_uow_factory: Factory) -> None:
        later = NOW + timedelta(hours=1)
        async with backend_uow_factory() as uow:
            _, commune, village, _ = await _tree(uow)
            person = await uow.people.add("A", "+84912345678", "village_head", village, NOW)
            officer = await uow.people.add("B", "+84987654321", "commune_officer", commune, NOW)
            await uow.invites.create(
                "FROMCHAT2", person.id, NOW, NOW + timedelta(hours=72), issuer_id=officer.id
            )
            await uow.invites.create("FROMCLI2", person.id, NOW, NOW + timedelta(hours=72))
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.invites.redeem("FROMCHAT2", later) == InviteRecord(
                "FROMCHAT2", person.id, NOW, NOW + timedelta(hours=72), officer.id, later
            )
            assert await uow.invites.redeem("FROMCLI2", later) == InviteRecord(
                "FROMCLI2", person.id, NOW, NOW + timedelta(hours=72), None, later
            )
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.invites.redeem("FROMCHAT2", later) is None

    async def test_answers_keep_history_and_latest_wins(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            _, commune, village_a, village_b = await _tree(uow)
            await uow.answers.add(_answer(village_a, "citizens", 100))
            await uow.answers.add(_answer(village_a, "citizens", 120, minutes=5))
            await uow.answers.add(_answer(village_b, "citizens", 80))
            await uow.answers.add(_answer(commune, "decided", date(2024, 10, 5)))
            await uow.answers.add(_answer(commune, "clubs", ["a", "b"]))
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert (await uow.answers.latest(village_a, 2024))["citizens"].value == 120
            assert [a.value for a in await uow.answers.history(village_a, 2024, "citizens")] == [100, 120]
            both = await uow.answers.latest_for_units([village_a, village_b], 2024)
            assert {unit: answers["citizens"].value for unit, answers in both.items()} == {
                village_a: 120,
                village_b: 80,
            }
            latest = await uow.answers.latest(commune, 2024)
            assert latest["decided"].value == date(2024, 10, 5)
            assert latest["clubs"].value == ["a", "b"]
            assert latest["decided"].answered_at == NOW
            assert await uow.answers.latest(commune, 2023) == {}

    async def test_evidence_counts_per_fact(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            _, commune, _, _ = await _tree(uow)
            for index in range(3):
                await uow.evidence.add(
                    NewEvidence(
                        unit_id=commune,
                        year=2024,
                        question_id="e_1_1",
                        fact="1.1",
                        media_type="photo",
                        created_at=NOW,
                        sha256=f"{index:064d}",
                        latitude=21.0,
                        longitude=105.8,
                    )
                )
            await uow.evidence.add(
                NewEvidence(
                    unit_id=commune, year=2024, question_id="q_photo", media_type="photo", created_at=NOW
                )
            )
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.evidence.counts([commune], 2024) == {commune: {"1.1": 3, "q_photo": 1}}
            records = await uow.evidence.for_unit(commune, 2024)
            assert len(records) == 4 and records[0].latitude == 21.0
            assert await uow.evidence.counts([commune], 2023) == {}

    async def test_recognitions_and_sessions(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            _, commune, village, _ = await _tree(uow)
            person = await uow.people.add("A", "+84912345678", "village_head", village, NOW)
            await uow.recognitions.add(
                RecognitionRecord(commune, 2023, 1, "12/QĐ-PGDĐT", date(2024, 3, 20), "Phòng GD&ĐT"), NOW
            )
            record = SessionRecord(person.id, village, 2024, "village_head", {"cursor": 1}, False, NOW)
            await uow.sessions.save(record)
            first = await uow.sessions.get(person.id, village, 2024, "village_head")
            assert first is not None and first.id != 0 and first == replace(record, id=first.id)
            second = SessionRecord(person.id, village, 2024, "village_head", {"cursor": 2}, True, NOW)
            await uow.sessions.save(second)
            assert await uow.sessions.get(person.id, village, 2024, "village_head") == replace(
                second, id=first.id
            )  # same transaction, same row
            await uow.commit()
        async with backend_uow_factory() as uow:
            [decision] = await uow.recognitions.for_units([commune])
            assert (decision.level, decision.decided_on) == (1, date(2024, 3, 20))
            saved = await uow.sessions.get(person.id, village, 2024, "village_head")
            assert saved is not None and saved.state == {"cursor": 2} and saved.completed
            assert len(await uow.sessions.for_person(person.id)) == 1

    async def test_a_unit_comes_with_its_review_state_for_a_year(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            _, _, village, _ = await _tree(uow)
            assert await uow.units.with_review(village, 2024) == (await uow.units.get(village), None)
            returned = YearRecord(village, 2024, "returned", ("citizens",), "Sai số liệu", date(2024, 12, 1))
            await uow.years.save(returned, NOW)
            await uow.years.save(YearRecord(village, 2023, "approved"), NOW)
            unit, review = await uow.units.with_review(village, 2024)  # sees this transaction's write
            assert unit is not None and unit.code == "V1" and review == returned
            assert (await uow.units.with_review(village, 2023))[1] == YearRecord(village, 2023, "approved")
            assert await uow.units.with_review(village + 100, 2024) == (None, None)

    async def test_sessions_read_back_what_was_saved_and_replies_are_queued_in_order(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            _, _, village, _ = await _tree(uow)
            person = await uow.people.add("A", "+84912345678", "village_head", village, NOW)
            flow = SessionRecord(person.id, village, 0, "__flow__", {"name": "x"}, False, NOW)
            await uow.sessions.save(flow)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.sessions.get(person.id, village, 0, "__flow__") == replace(flow, id=ANY)
            assert await uow.sessions.get(person.id, village, 2024, "village_head") is None
            saved = SessionRecord(person.id, village, 2024, "village_head", {"cursor": 1}, False, NOW)
            await uow.sessions.save(saved)
            assert await uow.sessions.get(person.id, village, 2024, "village_head") == replace(saved, id=ANY)
            await uow.inbox.add("telegram", "1", "u:A", {"n": 1}, NOW)
            await uow.inbox.add("telegram", "2", "u:B", {"n": 2}, NOW)
            claimed = await uow.inbox.claim(limit=5)
            await uow.inbox.mark_all_done([event.id for event in claimed], NOW)
            assert len(claimed) == 2 and await uow.inbox.pending_count() == 0
            await uow.outbox.add_many(
                [
                    QueuedMessage("telegram", "41", {"text": "một"}, claimed[0].id),
                    QueuedMessage("telegram", "41", {"text": "hai"}, claimed[0].id, edit_key="q:1"),
                    QueuedMessage("telegram", "42", {"text": "ba"}, claimed[1].id),
                ],
                NOW,
            )
            queued = await uow.outbox.for_inbox(claimed[0].id)
            assert [(m.payload["text"], m.edit_key, m.status) for m in queued] == [
                ("một", None, "pending"),
                ("hai", "q:1", "pending"),
            ]
            assert [m.chat_id for m in await uow.outbox.due("telegram", NOW, 10)] == ["41", "41", "42"]

    async def test_inbox_ignores_redelivery_and_keeps_each_person_in_order(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            first = await uow.inbox.add("telegram", "1", "u:A", {"n": 1}, NOW)
            assert await uow.inbox.add("telegram", "1", "u:A", {"n": 1}, NOW) is None
            await uow.inbox.add("telegram", "2", "u:A", {"n": 2}, NOW)
            await uow.inbox.add("telegram", "3", "u:B", {"n": 3}, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            claimed = await uow.inbox.claim_next()
            assert claimed is not None and claimed.id == first
            await uow.inbox.mark_done(claimed.id, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            claimed = await uow.inbox.claim_next()
            assert claimed is not None and claimed.payload == {"n": 2}
            await uow.inbox.mark_failed(claimed.id, "boom", NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            # a failed attempt stays first in line for that person; B's event is independent
            claimed = await uow.inbox.claim_next()
            assert claimed is not None and claimed.payload == {"n": 2} and claimed.attempts == 1
            assert await uow.inbox.pending_count() == 2

    async def test_inbox_stores_several_updates_at_once_skipping_redeliveries(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            await uow.inbox.add("telegram", "1", "u:A", {"n": 1}, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            updates = [
                ("2", "u:A", {"n": 2}),
                ("1", "u:A", {"n": 1}),  # stored before
                ("3", "u:B", {"n": 3}),
                ("2", "u:A", {"n": 2}),  # twice in one group
            ]
            assert await uow.inbox.add_many("telegram", updates, NOW) == [True, False, True, False]
            assert await uow.inbox.add_many("zalo", [("1", "u:C", {"n": 9})], NOW) == [True]
            assert await uow.inbox.add_many("telegram", [], NOW) == []
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.inbox.pending_count() == 4
            claimed = await uow.inbox.claim("telegram", limit=5)
            assert [(event.external_id, event.payload) for event in claimed] == [
                ("1", {"n": 1}),
                ("3", {"n": 3}),
            ]

    async def test_outbox_dedupes_and_schedules_retries(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            first = await uow.outbox.add("telegram", "42", {"text": "a"}, NOW, dedupe_key="b1:42")
            assert await uow.outbox.add("telegram", "42", {"text": "a"}, NOW, dedupe_key="b1:42") is None
            second = await uow.outbox.add("telegram", "43", {"text": "b"}, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert [m.id for m in await uow.outbox.due("telegram", NOW, 10)] == [first, second]
            await uow.outbox.mark_sent(first, "777", NOW)  # type: ignore[arg-type]
            await uow.outbox.mark_failed(second, "429", retry_at=NOW + timedelta(seconds=30))  # type: ignore[arg-type]
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.outbox.due("telegram", NOW, 10) == []
            [retry] = await uow.outbox.due("telegram", NOW + timedelta(seconds=31), 10)
            assert retry.attempts == 1
            assert await uow.outbox.due("zalo", NOW + timedelta(days=1), 10) == []

    async def test_outbox_finds_the_last_sent_message_of_an_edit_key(
        self, backend_uow_factory: Factory
    ) -> None:
        async with backend_uow_factory() as uow:
            first = await uow.outbox.add("telegram", "42", {"text": "q1"}, NOW, edit_key="question")
            second = await uow.outbox.add("telegram", "42", {"text": "q2"}, NOW, edit_key="question")
            await uow.outbox.add("telegram", "43", {"text": "other chat"}, NOW, edit_key="question")
            await uow.commit()
        async with backend_uow_factory() as uow:
            assert await uow.outbox.last_sent("telegram", "42", "question") is None
            await uow.outbox.mark_sent(first, "100", NOW)  # type: ignore[arg-type]
            await uow.outbox.mark_sent(second, "101", NOW)  # type: ignore[arg-type]
            await uow.commit()
        async with backend_uow_factory() as uow:
            found = await uow.outbox.last_sent("telegram", "42", "question")
            assert found is not None and found.external_message_id == "101" and found.edit_key == "question"

    async def test_a_claimed_message_comes_with_its_recipient(self, backend_uow_factory: Factory) -> None:
        async with backend_uow_factory() as uow:
            _, commune, village, _ = await _tree(uow)
            head = await uow.people.add("Trưởng thôn", "+84911111111", "village_head", village, NOW)
            officer = await uow.people.add("Cán bộ xã", "+84922222222", "commune_officer", commune, NOW)
            await uow.people.link_identity(head.id, "telegram", "501", "501", NOW)
            await uow.outbox.add("telegram", "501", {"text": "a reply"}, NOW)  # no person: the chat's
            await uow.outbox.add("telegram", "777", {"text": "notice"}, NOW, person_id=officer.id)
            await uow.outbox.add("telegram", "999", {"text": "nobody we know"}, NOW)
            await uow.outbox.add("zalo", "501", {"text": "another channel"}, NOW)
            await uow.commit()
        async with backend_uow_factory() as uow:
            claimed = await uow.outbox.claim("telegram", NOW, limit=10)
            assert [(row.chat_id, person.name if person else None) for row, person in claimed] == [
                ("501", "Trưởng thôn"),
                ("777", "Cán bộ xã"),
                ("999", None),
            ]
            assert claimed[0][1] == await uow.people.get(head.id)
            skipped = await uow.outbox.claim("telegram", NOW, skip_chats=["501", "999"], limit=10)
            assert [row.chat_id for row, _ in skipped] == ["777"]

    @pytest.mark.parametrize("together", [False, True], ids=["alone", "with-another"])
    async def test_content_replaced_while_on_its_way_goes_out_after_it(
        self, backend_uow_factory: Factory, together: bool
    ) -> None:
        """A progress line rewritten while the sender is delivering the old one: on PostgreSQL the rewrite
        waits for the row lock and finds it delivered; on SQLite it lands mid-flight. Either way the
        delivered row keeps what went out and the new content is pending, never silently dropped; also
        when its delivery is recorded together with another one's."""
        async with backend_uow_factory() as uow:
            await uow.outbox.add("telegram", "42", {"text": "10/300"}, NOW, person_id=None, edit_key="b:1")
            if together:
                await uow.outbox.add("telegram", "43", {"text": "khác"}, NOW)
            await uow.commit()

        async def rewrite() -> None:
            async with backend_uow_factory() as ticker:
                waiting = await ticker.outbox.pending_with_key("telegram", "42", "b:1")
                assert waiting is not None
                if not await ticker.outbox.replace_payload(waiting.id, {"text": "300/300"}):
                    await ticker.outbox.add("telegram", "42", {"text": "300/300"}, NOW, edit_key="b:1")
                await ticker.commit()

        async with backend_uow_factory() as sender:
            rows = [row for row, _ in await sender.outbox.claim("telegram", NOW, limit=2)]
            assert [row.chat_id for row in rows] == (["42", "43"] if together else ["42"])
            rewriting = asyncio.create_task(rewrite())
            await asyncio.sleep(0.3)  # the platform takes its time
            if together:
                await sender.outbox.mark_all_sent(
                    [(r.id, f"10{n}", r.payload) for n, r in enumerate(rows)], NOW
                )
            else:
                await sender.outbox.mark_sent(rows[0].id, "100", NOW, sent_payload=rows[0].payload)
            await sender.commit()
        await rewriting
        async with backend_uow_factory() as uow:
            assert [m.chat_id for m in await uow.outbox.due("telegram", NOW, 10)] == ["42"]  # 43 was sent
            delivered = await uow.outbox.last_sent("telegram", "42", "b:1")
            assert delivered is not None and delivered.payload == {"text": "10/300"}
            waiting = await uow.outbox.pending_with_key("telegram", "42", "b:1")
            assert waiting is not None and waiting.payload == {"text": "300/300"}
            assert await uow.outbox.replace_payload(delivered.id, {"text": "x"}) is False


@pytest.mark.parametrize("value", [0, 12.5, True, "chữ", ["a"], date(2024, 1, 31), None])
async def test_answer_values_round_trip(sqlite_uow_factory: Factory, value: object) -> None:
    async with sqlite_uow_factory() as uow:
        unit = await uow.units.add("V", "Thôn", "village", None, NOW)
        await uow.answers.add(_answer(unit.id, "q", value))
        await uow.commit()
    async with sqlite_uow_factory() as uow:
        stored = (await uow.answers.latest(unit.id, 2024))["q"].value
        assert stored == value and type(stored) is type(value)
