"""Every command, typed and as a forged button, by every role, on its own unit and on someone else's (another
province, a sibling district, the unit above), over Telegram: a polite refusal whenever the role or the unit
is wrong, and nothing stored changes; then every command a role may use does answer on its own unit.

`/moi` is tried by every role for every kind of person: above, beside or below them, inside their area or
outside it, a colleague of the same unit, nobody at all. A code is made only for a lower rank inside the
area, never for a commune officer by an admin above them (who could then approve villages as them); any
other refusal reads the same as an unknown number, so nothing is told about people outside the area. The
chat accounts (identities), the invite codes and what is queued for anyone else (outbox) are watched too.

The console version of some of these is tests/handlers/test_officer_features.py; here the whole matrix comes
from the command table itself (a new command is covered without touching this file), through the real runner,
with callback data nobody was ever shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from cdht.handlers.admin.invites import NOT_YOURS
from cdht.handlers.command_table import COMMANDS, NOT_IN_SCOPE, allowed, refusal
from cdht.handlers.ports import DifficultyRecord
from tests.bot.telegram.harness import TelegramBotUnderTest, register, running_bot
from tests.fakes.telegram_user import TelegramUser
from tests.scale.databases import row_counts

NOW = datetime(2025, 11, 1, tzinfo=UTC)
UNIT_COMMANDS = {"tiendo", "bieudo", "baocao", "nhatky", "duyet", "duyet_ok", "tralai", "xuat"}
NOT_FOUND = "Không tìm thấy vướng mắc này hoặc nó đã được trả lời."
PICK_A_BUTTON = "Xin chọn một trong các nút bên dưới, hoặc gõ /huy để hủy."
NO_DRAFT = "Thông báo này đã gửi hoặc đã hủy. Gõ /thongbao để soạn mới."
STARTS_A_FLOW = {"thongbao", "tb", "congnhan", "tralai", "vm_traloi"}  # ended with /huy after
WATCHED = (
    "answers",
    "audit_log",
    "assessment_years",
    "recognitions",
    "broadcasts",
    "jobs",
    "difficulties",
    "identities",
    "invite_codes",
)
INVITABLE = {  # whom each role may make a code for, inside its own area
    "village_head": (),
    "commune_officer": ("village_head",),
    "district_admin": ("village_head",),
    "province_admin": ("village_head", "district_admin"),
}


@dataclass(frozen=True)
class Place:
    area: str  # for progress, charts, exports, the audit log
    village: str
    commune: str


@dataclass(frozen=True)
class Actor:
    who: tuple[int, str, str]
    role: str
    area: tuple[str, str]  # (own, someone else's) unit for progress, charts, exports, the audit log
    village: tuple[str, str]
    commune: tuple[str, str]
    elsewhere: tuple[Place, ...] = ()  # a sibling district's units, the unit above
    difficulties: tuple[str, ...] = ()  # open questions outside the area
    invites: str = ""  # a person of the area a code may be made for


ACTORS = [
    Actor((7001, "An", "0902000001"), "village_head", ("DEMO-SH-X1-T1",) * 2, ("DEMO-SH-X1-T1", "DEMO-SH-X1-T2"),
          ("DEMO-SH-X1", "DEMO-SH-X2")),
    Actor((7101, "Thu", "0901000001"), "commune_officer", ("DEMO-SH-X1", "DEMO-SH-X2"),
          ("DEMO-SH-X1-T1", "DEMO-SH-X2-T1"), ("DEMO-SH-X1", "DEMO-SH-X2"),
          (Place("DEMO-SB-X1", "DEMO-SB-X1-T1", "DEMO-SB-X1"), Place("DEMO-SH", "DEMO-SH", "DEMO-SH")),
          ("near", "sibling"), "0902000002"),
    Actor((7201, "Huyện", "0900000002"), "district_admin", ("DEMO-SH", "KHAC-H"),
          ("DEMO-SH-X1-T1", "KHAC-X1-T1"), ("DEMO-SH-X1", "KHAC-X1"),
          (Place("DEMO-SB", "DEMO-SB-X1-T1", "DEMO-SB-X1"), Place("DEMO", "DEMO", "DEMO")),
          ("far", "sibling"), "0902000005"),
    Actor((7301, "Tỉnh", "0900000001"), "province_admin", ("DEMO", "KHAC"),
          ("DEMO-SH-X1-T1", "KHAC-X1-T1"), ("DEMO-SH-X1", "KHAC-X1"), (), ("far",), "0900000002"),
]  # fmt: skip

TARGETS = (  # `/moi` for each of these (digits only, as a forged button can carry them)
    "0902000001", "0901000001", "0900000002", "0900000001",  # the four actors
    "0901000099",  # a second commune officer of Xã An Bình
    "0902000002", "0902000005", "0901000002",  # a village head of one's commune, of the next, its officer
    "0900000009", "0901000009", "0902000099",  # a sibling district's admin, commune officer, village head
    "0903999999", "0903999998",  # another province's village head and admin
    "0911000000",  # nobody
)  # fmt: skip


class Prefix(str):
    """An expected reply that must start with this text."""


def unit_arg(actor: Actor, name: str, side: int) -> str:
    return place_arg(name, Place(actor.area[side], actor.village[side], actor.commune[side]))


def place_arg(name: str, place: Place) -> str:
    if name in ("duyet_ok", "tralai"):
        return place.village
    if name == "duyet":
        return place.commune
    if name == "xuat":
        return f"xlsx:{place.commune}"
    return place.area


def both_ways(user: TelegramUser, name: str, arg: str | None) -> list[dict[str, Any]]:
    """The command typed, and as a button press nobody was shown (no message attached)."""
    typed = f"/{name}" + (f" {arg}" if arg else "")
    return [user.text(typed), user.callback(f"m|{name}" + (f"|{arg}" if arg else ""))]


async def more_units(bot: TelegramBotUnderTest) -> dict[str, int]:
    """A second province, a sibling district in the demo province, a second officer in Xã An Bình, and an
    open question in the other province, in the next commune, in the sibling district and at home."""
    async with bot.app.uow() as uow:
        province = await uow.units.add("KHAC", "Tỉnh Khác", "province", None, NOW)
        district = await uow.units.add("KHAC-H", "Huyện Khác", "district", province.id, NOW)
        commune = await uow.units.add("KHAC-X1", "Xã Khác", "commune", district.id, NOW)
        village = await uow.units.add("KHAC-X1-T1", "Thôn Khác", "village", commune.id, NOW)
        stranger = await uow.people.add("Người Khác", "+84903999999", "village_head", village.id, NOW)
        await uow.people.add("Quản trị Tỉnh Khác", "+84903999998", "province_admin", province.id, NOW)
        far = await uow.difficulties.add(DifficultyRecord(stranger.id, village.id, "Hỏi?", "open", NOW))
        demo = await uow.units.by_code("DEMO")
        home = await uow.units.by_code("DEMO-SH-X1")
        assert demo is not None and home is not None
        sibling = await uow.units.add("DEMO-SB", "Huyện Bên", "district", demo.id, NOW)
        sibling_commune = await uow.units.add("DEMO-SB-X1", "Xã Bên", "commune", sibling.id, NOW)
        sibling_village = await uow.units.add("DEMO-SB-X1-T1", "Thôn Bên", "village", sibling_commune.id, NOW)
        await uow.people.add("Quản trị Huyện Bên", "+84900000009", "district_admin", sibling.id, NOW)
        await uow.people.add("Cán bộ Xã Bên", "+84901000009", "commune_officer", sibling_commune.id, NOW)
        beside = await uow.people.add(
            "Trưởng Thôn Bên", "+84902000099", "village_head", sibling_village.id, NOW
        )
        await uow.people.add("Lý Văn Đồng", "+84901000099", "commune_officer", home.id, NOW)
        sibling_question = await uow.difficulties.add(
            DifficultyRecord(beside.id, sibling_village.id, "Hỏi huyện bên?", "open", NOW)
        )
        neighbour_village = await uow.units.by_code("DEMO-SH-X2-T1")
        neighbour = await uow.people.by_phone("+84902000005")
        home_village = await uow.units.by_code("DEMO-SH-X1-T2")
        binh = await uow.people.by_phone("+84902000002")
        assert neighbour_village is not None and neighbour is not None
        assert home_village is not None and binh is not None
        near = await uow.difficulties.add(
            DifficultyRecord(neighbour.id, neighbour_village.id, "Hỏi xã bên?", "open", NOW)
        )
        own = await uow.difficulties.add(DifficultyRecord(binh.id, home_village.id, "Hỏi xã?", "open", NOW))
        await uow.commit()
    return {"far": far.id, "near": near.id, "sibling": sibling_question.id, "own": own.id}


async def invite_expectations(bot: TelegramBotUnderTest, actor: Actor) -> dict[str, str]:
    """What `/moi PHONE` must answer, for every target but those a code is made for."""
    async with bot.app.uow() as uow:
        me = await uow.people.by_phone("+84" + actor.who[2][1:])
        assert me is not None
        area = {unit.id for unit in await uow.units.subtree(me.unit_id)}
        expected: dict[str, str] = {}
        for phone in TARGETS:
            person = await uow.people.by_phone("+84" + phone[1:])
            if not allowed(actor.role, "moi"):
                expected[phone] = refusal("moi").text
            elif person is None or person.unit_id not in area:
                expected[phone] = NOT_YOURS.text
            elif person.role not in INVITABLE[actor.role]:
                expected[phone] = Prefix(f"Xin lỗi, anh/chị không thể tạo mã mời cho {person.name} (")
    return expected


def matches(replies: list[str], expected: list[str]) -> bool:
    return len(replies) == len(expected) and all(
        reply.startswith(want) if isinstance(want, Prefix) else reply == want
        for reply, want in zip(replies, expected, strict=True)
    )


async def replies_to(
    bot: TelegramBotUnderTest, user: TelegramUser, updates: list[dict[str, Any]]
) -> list[str]:
    before = len(bot.api.calls_to("sendMessage", user.id))
    await bot.send(*updates)
    return [str(c.params["text"]) for c in bot.api.calls_to("sendMessage", user.id)[before:]]


async def watched(bot: TelegramBotUnderTest) -> dict[str, Any]:
    """The watched tables' row counts, every chat account and invite code as stored."""
    counts = {table: n for table, n in (await row_counts(bot.app.database)).items() if table in WATCHED}
    async with bot.app.database.engine.connect() as connection:
        identities = await connection.execute(
            text(
                "SELECT person_id, channel, external_id, chat_id FROM identities ORDER BY channel, external_id"
            )
        )
        invites = await connection.execute(
            text("SELECT code, person_id, issuer_id, expires_at, used_at FROM invite_codes ORDER BY code")
        )
        return counts | {"identity rows": identities.all(), "invite rows": invites.all()}


async def queued_for_others(bot: TelegramBotUnderTest, user: TelegramUser) -> list[Any]:
    """Every message queued for any chat but this person's (their replies go to their own chat)."""
    async with bot.app.database.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT id, channel, chat_id, payload FROM outbox WHERE chat_id <> :chat ORDER BY id"),
            {"chat": str(user.id)},
        )
        return list(rows.all())


async def test_every_command_by_every_role_on_every_unit(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        difficulty = await more_units(bot)
        users = {actor.role: await register(bot, actor.who) for actor in ACTORS}
        before = await watched(bot)

        for actor in ACTORS:
            user = users[actor.role]
            others_before = await queued_for_others(bot, user)
            updates: list[dict[str, Any]] = []
            expected: list[str] = []
            for spec in COMMANDS:
                if not allowed(actor.role, spec.name):
                    arg = unit_arg(actor, spec.name, 0) if spec.name in UNIT_COMMANDS else None
                    updates += both_ways(user, spec.name, arg)
                    expected += [refusal(spec.name).text] * 2
                elif spec.name in UNIT_COMMANDS:
                    for arg in [unit_arg(actor, spec.name, 1)] + [
                        place_arg(spec.name, p) for p in actor.elsewhere
                    ]:
                        updates += both_ways(user, spec.name, arg)
                        expected += [NOT_IN_SCOPE.text] * 2
                elif spec.name == "vm_traloi":
                    for other in actor.difficulties:
                        updates += both_ways(user, spec.name, str(difficulty[other]))
                        expected += [NOT_FOUND] * 2
            for phone, reply in (await invite_expectations(bot, actor)).items():
                updates += both_ways(user, "moi", phone)
                expected += [reply] * 2
            replies = await replies_to(bot, user, updates)
            assert matches(replies, expected), (actor.role, replies, expected)

            if allowed(actor.role, "tb"):  # a broadcast to someone else's unit, by a forged button
                steps = [
                    user.text("/thongbao"),
                    user.text("Họp gấp"),
                    user.callback("m|tb|role:village_head"),
                ]
                await bot.send(*steps)
                for place in (actor.area[1], *(p.area for p in actor.elsewhere)):
                    assert await replies_to(bot, user, [user.callback(f"m|tb|unit:{place}")]) == [
                        PICK_A_BUTTON
                    ]
                await bot.send(user.text("/huy"))
            if allowed(actor.role, "congnhan"):  # a recognition decision for someone else's commune
                for commune in (actor.commune[1], *(p.commune for p in actor.elsewhere)):
                    await bot.send(user.text("/congnhan"))
                    decision = f"{commune}; 1; 12/QĐ-UBND; 20/03/2025; 2024; UBND huyện"
                    [reply] = await replies_to(bot, user, [user.text(decision)])
                    assert reply.startswith(f"⚠️ Không có đơn vị {commune} trực thuộc"), reply
                    await bot.send(user.text("/huy"))
            assert await queued_for_others(bot, user) == others_before, actor.role

        assert await watched(bot) == before

        for actor in ACTORS:  # the same commands on their own units do answer (all of them: below)
            user = users[actor.role]
            for name in ("baocao", "duyet"):
                if allowed(actor.role, name):
                    [reply, *_] = await replies_to(
                        bot, user, [user.text(f"/{name} {unit_arg(actor, name, 0)}")]
                    )
                    assert reply not in (refusal(name).text, NOT_IN_SCOPE.text), (actor.role, name, reply)


# Buttons of the procedure that act on one dossier (its id as argument): without a dossier sent, checked and
# given to a council they can only say so; their success is the end-to-end run's
# (tests/handlers/test_procedure_end_to_end.py), their refusals are checked above like every command's.
ACT_ON_A_DOSSIER = frozenset({"hs_xem", "hs_ok", "hs_tralai", "hd_gui", "hd_tailieu", "yk", "yk_chon"})


@pytest.mark.slow
async def test_every_command_a_role_may_use_answers_on_its_own_unit(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        difficulty = await more_units(bot)
        users = {actor.role: await register(bot, actor.who) for actor in ACTORS}
        before = await watched(bot)
        for actor in ACTORS:
            user = users[actor.role]
            for spec in COMMANDS:
                if not allowed(actor.role, spec.name) or spec.name in ACT_ON_A_DOSSIER:
                    continue
                reply = await own_unit_reply(bot, user, actor, spec.name, difficulty["own"])
                refused = (
                    refusal(spec.name).text,
                    NOT_IN_SCOPE.text,
                    NOT_FOUND,
                    NOT_YOURS.text,
                    PICK_A_BUTTON,
                )
                assert reply not in (*refused, NO_DRAFT), (actor.role, spec.name, reply)
                assert not reply.startswith(("⚠️", "Xin lỗi")), (actor.role, spec.name, reply)
                if spec.name == "moi":
                    assert reply.startswith("Mã mời cho "), reply
                if spec.name in STARTS_A_FLOW:
                    await bot.send(user.text("/huy"))
        after = await watched(bot)
        made = [row for row in after["invite rows"] if row not in before["invite rows"]]
        issuers = {actor.role: await person_id(bot, actor.who[2]) for actor in ACTORS}
        invited = {actor.role: await person_id(bot, actor.invites) for actor in ACTORS if actor.invites}
        assert sorted((row.issuer_id, row.person_id) for row in made) == sorted(
            (issuers[role], person) for role, person in invited.items()
        )
        assert after["identity rows"] == before["identity rows"]  # a code made is no account moved


async def own_unit_reply(
    bot: TelegramBotUnderTest, user: TelegramUser, actor: Actor, name: str, own_question: int
) -> str:
    """The first answer to `name` used on the actor's own unit (after the steps a button belongs to)."""
    if name == "tb":  # a step of a broadcast being composed: the audience's unit, one's own
        await bot.send(user.text("/thongbao"), user.text("Họp gấp"), user.callback("m|tb|role:village_head"))
        update = user.callback(f"m|tb|unit:{actor.area[0]}")
    elif name == "congnhan":  # the decision typed after the command, for one's own commune
        await bot.send(user.text("/congnhan"))
        update = user.text(f"{actor.commune[0]}; 1; 12/QĐ-UBND; 20/03/2025; 2024; UBND huyện")
    elif name == "vm_traloi":
        update = user.text(f"/vm_traloi {own_question}")
    elif name == "moi":
        update = user.text(f"/moi {actor.invites}")
    elif name in UNIT_COMMANDS:
        update = user.text(f"/{name} {unit_arg(actor, name, 0)}")
    else:
        update = user.text(f"/{name}")
    replies = await replies_to(bot, user, [update])
    assert replies, (actor.role, name)
    return replies[0]


async def person_id(bot: TelegramBotUnderTest, phone: str) -> int:
    async with bot.app.uow() as uow:
        person = await uow.people.by_phone("+84" + phone[1:])
    assert person is not None, phone
    return person.id
