"""Every command, typed and as a forged button, by every role, on its own unit and on someone else's, over
Telegram: a polite refusal whenever the role or the unit is wrong, and nothing stored changes.

The console version of some of these is tests/handlers/test_officer_features.py; here the whole matrix comes
from the command table itself (a new command is covered without touching this file), through the real runner,
with callback data nobody was ever shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cdht.handlers.command_table import COMMANDS, NOT_IN_SCOPE, allowed, refusal
from cdht.handlers.ports import DifficultyRecord
from tests.bot.telegram.harness import TelegramBotUnderTest, register, running_bot
from tests.fakes.telegram_user import TelegramUser
from tests.scale.databases import row_counts

NOW = datetime(2025, 11, 1, tzinfo=UTC)
UNIT_COMMANDS = {"tiendo", "bieudo", "baocao", "nhatky", "duyet", "duyet_ok", "tralai", "xuat"}
NOT_FOUND = "Không tìm thấy vướng mắc này hoặc nó đã được trả lời."
PICK_A_BUTTON = "Xin chọn một trong các nút bên dưới, hoặc gõ /huy để hủy."
WATCHED = ("answers", "audit_log", "assessment_years", "recognitions", "broadcasts", "jobs", "difficulties")


@dataclass(frozen=True)
class Actor:
    who: tuple[int, str, str]
    role: str
    area: tuple[str, str]  # (own, someone else's) unit for progress, charts, exports, the audit log
    village: tuple[str, str]
    commune: tuple[str, str]


ACTORS = [
    Actor((7001, "An", "0902000001"), "village_head", ("DEMO-SH-X1-T1",) * 2, ("DEMO-SH-X1-T1", "DEMO-SH-X1-T2"),
          ("DEMO-SH-X1", "DEMO-SH-X2")),
    Actor((7101, "Thu", "0901000001"), "commune_officer", ("DEMO-SH-X1", "DEMO-SH-X2"),
          ("DEMO-SH-X1-T1", "DEMO-SH-X2-T1"), ("DEMO-SH-X1", "DEMO-SH-X2")),
    Actor((7201, "Huyện", "0900000002"), "district_admin", ("DEMO-SH", "KHAC-H"),
          ("DEMO-SH-X1-T1", "KHAC-X1-T1"), ("DEMO-SH-X1", "KHAC-X1")),
    Actor((7301, "Tỉnh", "0900000001"), "province_admin", ("DEMO", "KHAC"),
          ("DEMO-SH-X1-T1", "KHAC-X1-T1"), ("DEMO-SH-X1", "KHAC-X1")),
]  # fmt: skip


def unit_arg(actor: Actor, name: str, side: int) -> str:
    if name in ("duyet_ok", "tralai"):
        return actor.village[side]
    if name == "duyet":
        return actor.commune[side]
    if name == "xuat":
        return f"xlsx:{actor.commune[side]}"
    return actor.area[side]


def both_ways(user: TelegramUser, name: str, arg: str | None) -> list[dict[str, Any]]:
    """The command typed, and as a button press nobody was shown (no message attached)."""
    typed = f"/{name}" + (f" {arg}" if arg else "")
    return [user.text(typed), user.callback(f"m|{name}" + (f"|{arg}" if arg else ""))]


async def another_province(bot: TelegramBotUnderTest) -> dict[str, int]:
    """A second province with a village head, and an open question in each province's far corner."""
    async with bot.app.uow() as uow:
        province = await uow.units.add("KHAC", "Tỉnh Khác", "province", None, NOW)
        district = await uow.units.add("KHAC-H", "Huyện Khác", "district", province.id, NOW)
        commune = await uow.units.add("KHAC-X1", "Xã Khác", "commune", district.id, NOW)
        village = await uow.units.add("KHAC-X1-T1", "Thôn Khác", "village", commune.id, NOW)
        stranger = await uow.people.add("Người Khác", "+84903999999", "village_head", village.id, NOW)
        far = await uow.difficulties.add(DifficultyRecord(stranger.id, village.id, "Hỏi?", "open", NOW))
        neighbour_village = await uow.units.by_code("DEMO-SH-X2-T1")
        neighbour = await uow.people.by_phone("+84902000005")
        assert neighbour_village is not None and neighbour is not None
        near = await uow.difficulties.add(
            DifficultyRecord(neighbour.id, neighbour_village.id, "Hỏi xã bên?", "open", NOW)
        )
        await uow.commit()
    return {"far": far.id, "near": near.id}


async def replies_to(
    bot: TelegramBotUnderTest, user: TelegramUser, updates: list[dict[str, Any]]
) -> list[str]:
    before = len(bot.api.calls_to("sendMessage", user.id))
    await bot.send(*updates)
    return [str(c.params["text"]) for c in bot.api.calls_to("sendMessage", user.id)[before:]]


async def test_every_command_by_every_role_on_every_unit(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        difficulty = await another_province(bot)
        users = {actor.role: await register(bot, actor.who) for actor in ACTORS}
        before = {
            table: count for table, count in (await row_counts(bot.app.database)).items() if table in WATCHED
        }

        for actor in ACTORS:
            user = users[actor.role]
            updates: list[dict[str, Any]] = []
            expected: list[str] = []
            for spec in COMMANDS:
                if not allowed(actor.role, spec.name):
                    arg = unit_arg(actor, spec.name, 0) if spec.name in UNIT_COMMANDS else None
                    updates += both_ways(user, spec.name, arg)
                    expected += [refusal(spec.name).text] * 2
                elif spec.name in UNIT_COMMANDS:
                    updates += both_ways(user, spec.name, unit_arg(actor, spec.name, 1))
                    expected += [NOT_IN_SCOPE.text] * 2
                elif spec.name == "vm_traloi":
                    other = difficulty["near" if actor.role == "commune_officer" else "far"]
                    updates += both_ways(user, spec.name, str(other))
                    expected += [NOT_FOUND] * 2
            assert await replies_to(bot, user, updates) == expected, actor.role

            if allowed(actor.role, "tb"):  # a broadcast to someone else's unit, by a forged button
                steps = [
                    user.text("/thongbao"),
                    user.text("Họp gấp"),
                    user.callback("m|tb|role:village_head"),
                ]
                await bot.send(*steps)
                assert await replies_to(bot, user, [user.callback(f"m|tb|unit:{actor.area[1]}")]) == [
                    PICK_A_BUTTON
                ]
                await bot.send(user.text("/huy"))
            if allowed(actor.role, "congnhan"):  # a recognition decision for someone else's commune
                await bot.send(user.text("/congnhan"))
                decision = f"{actor.commune[1]}; 1; 12/QĐ-UBND; 20/03/2025; 2024; UBND huyện"
                [reply] = await replies_to(bot, user, [user.text(decision)])
                assert reply.startswith(f"⚠️ Không có đơn vị {actor.commune[1]} trực thuộc"), reply
                await bot.send(user.text("/huy"))

        after = {
            table: count for table, count in (await row_counts(bot.app.database)).items() if table in WATCHED
        }
        assert after == before

        for actor in ACTORS:  # and the same commands on their own units do answer
            user = users[actor.role]
            for name in ("baocao", "duyet"):
                if allowed(actor.role, name):
                    [reply, *_] = await replies_to(
                        bot, user, [user.text(f"/{name} {unit_arg(actor, name, 0)}")]
                    )
                    assert reply not in (refusal(name).text, NOT_IN_SCOPE.text), (actor.role, name, reply)
