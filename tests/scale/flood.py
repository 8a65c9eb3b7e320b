"""A flood of people for the scale, crash and fault tests, and the checks that nothing was lost, repeated or
reordered.

Each person is a village head in the roster, not yet registered. Their updates: /start, their own contact,
then four answers whose values are theirs alone (households 200+i, citizens 1000+i, ...). If an update were
processed twice, or before the one ahead of it, a value would land on the wrong question or be refused, and
the stored answers would show it."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import text

from cdht.handlers.admin.phones import normalise_phone
from cdht.handlers.wire import outbound_from_json
from cdht.storage.database import Database
from cdht.storage.repositories.codec import decode_value
from tests.fakes.telegram_api import FakeTelegramAPI

YEAR = 2025
NOW = datetime(2025, 11, 20, 2, 0, tzinfo=UTC)
FIRST_USER = 500_000
QUESTIONS = ("households", "citizens", "learning_citizens", "trained_citizens")
SAVED = re.compile(r"^✅ Đã lưu: ([\d.]+) ")
_update_ids = itertools.count(10_000)


class Sent(NamedTuple):
    id: int
    chat_id: str
    status: str
    payload: dict[str, Any]
    external_message_id: str | None


@dataclass(frozen=True)
class Person:
    index: int

    @property
    def user_id(self) -> int:
        return FIRST_USER + self.index

    @property
    def phone(self) -> str:
        return f"093{self.index:07d}"

    @property
    def village(self) -> str:
        return f"SC-T{self.index:04d}"

    @property
    def answers(self) -> dict[str, int]:
        i = self.index
        return dict(zip(QUESTIONS, (200 + i, 1000 + i, 800 + i, 600 + i), strict=True))

    def message(self, **content: Any) -> dict[str, Any]:
        number = next(_update_ids)
        user = {"id": self.user_id, "is_bot": False, "first_name": f"Trưởng thôn {self.index}"}
        chat = {"id": self.user_id, "type": "private", "first_name": user["first_name"]}
        body = {"message_id": number, "date": 1_763_600_000, "chat": chat, "from": user, **content}
        return {"update_id": number, "message": body}

    def updates(self) -> list[dict[str, Any]]:
        contact = {"phone_number": self.phone, "first_name": "T", "user_id": self.user_id}
        return [
            self.message(text="/start"),
            self.message(contact=contact),
            *(self.message(text=str(value)) for value in self.answers.values()),
        ]


def _json(value: Any) -> Any:
    """A JSON column read with plain SQL: text on PostgreSQL, text or decoded on SQLite."""
    return json.loads(value) if isinstance(value, str) else value


def crowd(count: int) -> list[Person]:
    return [Person(index) for index in range(count)]


async def seed_roster(database: Database, people: list[Person]) -> None:
    """A province of communes of 20 villages, one village head each, none registered yet."""
    async with database.uow() as uow:
        province = await uow.units.add("SC", "Tỉnh Thử tải", "province", None, NOW)
        commune_id = province.id
        for person in people:
            if person.index % 20 == 0:
                code = f"SC-X{person.index // 20:03d}"
                commune_id = (await uow.units.add(code, f"Xã {code}", "commune", province.id, NOW)).id
            village = await uow.units.add(person.village, f"Thôn {person.index}", "village", commune_id, NOW)
            phone = normalise_phone(person.phone)
            assert phone is not None, person.phone
            await uow.people.add(f"Trưởng thôn {person.index}", phone, "village_head", village.id, NOW)
        await uow.commit()


async def store_in_inbox(database: Database, updates: list[dict[str, Any]]) -> None:
    """As the receiving process does: raw updates into the inbox, one transaction."""
    from cdht.bot.telegram.decode import user_key

    async with database.uow() as uow:
        for update in updates:
            await uow.inbox.add("telegram", str(update["update_id"]), user_key(update), update, NOW)
        await uow.commit()


def interleaved(people: list[Person]) -> list[dict[str, Any]]:
    """Everyone's updates, people interleaved as they would arrive, each person's in their own order, with
    update ids increasing in that order (as Telegram numbers them)."""
    queues = [person.updates() for person in people]
    flood = [update for round_ in itertools.zip_longest(*queues) for update in round_ if update is not None]
    for update in flood:
        update["update_id"] = next(_update_ids)
    return flood


async def post_in_order(api: FakeTelegramAPI, updates: list[dict[str, Any]], *, seconds: float = 60) -> None:
    """Deliver updates to the webhook as Telegram does: each one until the bot answers 200 (a 500 while the
    database is away is retried), the next only after that."""
    for update in updates:
        deadline = asyncio.get_running_loop().time() + seconds
        while await api.post_to_webhook(update) != 200:
            assert asyncio.get_running_loop().time() < deadline, f"update {update['update_id']} never taken"
            await asyncio.sleep(0.2)


async def flood_webhook(api: FakeTelegramAPI, people: list[Person], *, connections: int = 40) -> None:
    """Everyone at once, at most `connections` requests in flight (Telegram's max_connections default)."""
    gate = asyncio.Semaphore(connections)

    async def one(person: Person) -> None:
        async with gate:
            await post_in_order(api, person.updates())

    await asyncio.gather(*(one(person) for person in people))


async def progress(database: Database) -> tuple[int, int, int]:
    """(inbox rows done, outbox rows sent, rows of either still pending)."""
    async with database.engine.connect() as connection:
        done = await connection.scalar(text("SELECT count(*) FROM inbox WHERE status = 'done'"))
        sent = await connection.scalar(text("SELECT count(*) FROM outbox WHERE status = 'sent'"))
        pending = await connection.scalar(
            text(
                "SELECT (SELECT count(*) FROM inbox WHERE status = 'pending')"
                " + (SELECT count(*) FROM outbox WHERE status = 'pending')"
            )
        )
    return int(done or 0), int(sent or 0), int(pending or 0)


async def check_exactly_once(
    database: Database, api: FakeTelegramAPI, people: list[Person], *, repeats_allowed: int = 0
) -> dict[str, int]:
    """Every update processed once and in order; every reply sent once, in order, and nothing else sent.

    With `repeats_allowed`, up to that many replies may have been sent twice, each right after itself (what
    Telegram accepted from a process killed before it recorded so is sent again after the restart); the
    chats that got a reply twice and how many are returned. Nothing may be lost or reordered either way."""
    async with database.engine.connect() as connection:
        inbox = dict(
            (await connection.execute(text("SELECT status, count(*) FROM inbox GROUP BY status"))).all()
        )
        answers = (
            await connection.execute(
                text(
                    "SELECT u.code, a.question_id, a.value, a.id FROM answers a"
                    " JOIN units u ON u.id = a.unit_id ORDER BY a.id"
                )
            )
        ).all()
        rows = (
            await connection.execute(
                text("SELECT id, chat_id, status, payload, external_message_id FROM outbox ORDER BY id")
            )
        ).all()
    outbox = [
        Sent(row.id, row.chat_id, row.status, _json(row.payload), row.external_message_id) for row in rows
    ]
    assert inbox == {"done": 6 * len(people)}, inbox

    stored: dict[tuple[str, str], list[Any]] = {}
    for code, question, value, _ in answers:
        stored.setdefault((code, question), []).append(decode_value(_json(value)))
    for person in people:
        for question, value in person.answers.items():
            assert stored.get((person.village, question)) == [value], (person, question)
    # With each count of citizens, the base it was counted on (no commune declared one: everyone).
    bases = [decode_value(_json(value)) for _, question, value, _ in answers if question == "citizen_base"]
    assert bases == ["all"] * len(people), bases
    assert len(answers) == 5 * len(people), "answers stored more than once or for the wrong question"

    assert {row.status for row in outbox} == {"sent"}, Counter(row.status for row in outbox)
    expected: dict[str, list[str]] = {}
    for row in outbox:
        expected.setdefault(row.chat_id, []).append(outbound_from_json(row.payload).text)
    delivered: dict[str, list[str]] = {}
    for call in api.calls_to("sendMessage"):
        delivered.setdefault(call.chat_id or "", []).append(str(call.params["text"]))
    assert delivered.keys() == expected.keys() == {str(p.user_id) for p in people}
    repeated: dict[str, int] = {}
    for chat, texts in expected.items():
        again = _sent_again(delivered[chat], texts)
        if again:
            repeated[chat] = again
        assert again is not None and (again == 0 or repeats_allowed), (
            f"chat {chat}: sent {len(delivered[chat])}, queued {len(texts)}:\n"
            + "\n".join(
                f"{a[:60]!r} | {b[:60]!r}"
                for a, b in itertools.zip_longest(delivered[chat], texts, fillvalue="")
            )
        )
    message_ids = [row.external_message_id for row in outbox]
    assert len(set(message_ids)) == len(message_ids), "one Telegram message recorded for two rows"
    for person in people:  # and the person was told so, in order
        saved = [SAVED.search(t) for t in expected[str(person.user_id)]]
        told = [int(match.group(1).replace(".", "")) for match in saved if match]
        assert told == list(person.answers.values()), (person, told)
    assert sum(repeated.values()) <= repeats_allowed, f"sent twice: {repeated}"
    return repeated


def _sent_again(delivered: list[str], queued: list[str]) -> int | None:
    """How many of `queued` were sent twice, each right after itself, to make `delivered`; None when
    `delivered` is not `queued` so (a message lost, reordered or never queued)."""
    again, matched = 0, 0
    for sent in delivered:
        if matched < len(queued) and sent == queued[matched]:
            matched += 1
        elif matched and sent == queued[matched - 1]:
            again += 1
        else:
            return None
    return again if matched == len(queued) else None
