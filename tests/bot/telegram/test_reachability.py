"""Blocking and unblocking the bot (Telegram's `my_chat_member`), through the fake Bot API over HTTP: the person
is marked unreachable when Telegram says so, before any send fails, and reachable again when they unblock.
Nothing is ever answered to these updates."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from tests.bot.telegram.harness import AN, BINH, TelegramBotUnderTest, register, running_bot
from tests.bot.telegram.test_receiving import webhook_settings

HUYEN = (7201, "Huyện", "0900000002")  # Lê Văn Huyện, quản trị Huyện Sơn Hà (DEMO-SH)
SENDS = ("sendMessage", "sendPhoto", "sendDocument", "sendChatAction", "editMessageText")


async def reachable_by_phone(bot: TelegramBotUnderTest) -> dict[str, bool]:
    async with bot.app.uow() as uow:
        return {person.phone: person.reachable for person in await uow.people.all()}


async def reachable(bot: TelegramBotUnderTest, phone: str) -> bool:
    return (await reachable_by_phone(bot))[phone]


async def inbox_statuses(bot: TelegramBotUnderTest) -> list[tuple[str, int]]:
    async with bot.app.database.engine.connect() as connection:
        rows = await connection.execute(text("SELECT status, attempts FROM inbox ORDER BY id"))
        return [(row.status, row.attempts) for row in rows]


def calls_to_chat(bot: TelegramBotUnderTest, chat_id: int, since: int = 0) -> list[str]:
    """Every send the bot attempted to this chat after call number `since`, refused ones included."""
    return [f"{c.method} {c.status}" for c in bot.api.calls[since:] if c.chat_id == str(chat_id)]


async def test_blocking_marks_the_person_unreachable_without_a_failed_send_and_unblocking_undoes_it(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as bot:
        asked = [c.params.get("allowed_updates") for c in bot.api.calls_to("getUpdates")]
        assert asked and all("my_chat_member" in (kinds or []) for kinds in asked)
        an = await register(bot, AN)
        assert await reachable(bot, "+84902000001")
        seen = len(bot.api.calls)

        await bot.send(bot.api.blocks_bot(an.user))
        assert not await reachable(bot, "+84902000001")
        assert calls_to_chat(bot, an.id, seen) == []  # nothing was sent, so nothing failed
        assert not [c for c in bot.api.calls if c.status == 403]

        await bot.send(bot.api.unblocks_bot(an.user))
        assert await reachable(bot, "+84902000001")
        assert calls_to_chat(bot, an.id, seen) == []  # no reply to an unblock either
        assert (await inbox_statuses(bot))[-2:] == [("done", 0), ("done", 0)]

        await bot.send(an.text("250"))  # and the conversation goes on where it was
        assert bot.api.texts(an.id)[-1].startswith("✅ Đã lưu: 250 hộ")


async def test_blocks_and_unblocks_apply_in_order_and_a_redelivered_one_changes_nothing(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        blocked, unblocked = await bot.send(bot.api.blocks_bot(an.user), bot.api.unblocks_bot(an.user))
        assert await reachable(bot, "+84902000001")
        await bot.send(bot.api.unblocks_bot(an.user), bot.api.blocks_bot(an.user))
        assert not await reachable(bot, "+84902000001")
        await bot.send(unblocked)  # Telegram delivers an old update again: the inbox already has it
        assert not await reachable(bot, "+84902000001")
        assert len(await inbox_statuses(bot)) == 6  # /start, contact and the four changes; not the repeat
        assert not [c for c in bot.api.calls if c.status == 403]
        assert blocked["update_id"] < unblocked["update_id"]


async def test_the_webhook_asks_for_it_and_a_block_arriving_there_counts(tmp_path: Path) -> None:
    async with running_bot(tmp_path, webhook=True, **webhook_settings()) as bot:
        [hook] = bot.api.calls_to("setWebhook")
        assert "my_chat_member" in hook.params["allowed_updates"]
        an = await register(bot, AN)
        seen = len(bot.api.calls)
        await bot.send(bot.api.blocks_bot(an.user))
        assert not await reachable(bot, "+84902000001")
        await bot.send(bot.api.unblocks_bot(an.user))
        assert await reachable(bot, "+84902000001")
        assert calls_to_chat(bot, an.id, seen) == []


async def test_an_unregistered_chat_or_a_group_changes_nothing_and_gets_no_answer(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        binh = bot.user(BINH)  # in the roster, never registered
        before = await reachable_by_phone(bot)
        seen = len(bot.api.calls)
        group = {"id": -100123, "type": "supergroup", "title": "Ban chỉ đạo xã"}
        removed = bot.api.blocks_bot(an.user)
        removed["my_chat_member"]["chat"] = group  # An removes the bot from a group: not their private chat
        bot.api.blocked.discard(str(an.id))  # leaving a group does not block the bot in An's own chat
        await bot.send(bot.api.blocks_bot(binh.user), bot.api.unblocks_bot(binh.user), removed)
        await bot.send(bot.api.blocks_bot(binh.user))
        assert await reachable_by_phone(bot) == before  # everyone still reachable: An above all
        assert [c for c in bot.api.calls[seen:] if c.method in SENDS] == []
        assert set((await inbox_statuses(bot))[-4:]) == {("done", 0)}  # handled, none failed

        await bot.send(bot.api.unblocks_bot(binh.user), binh.text("/start"))
        assert "Chia sẻ số điện thoại" in bot.api.texts(binh.id)[-1]  # nothing got stuck


async def test_a_broadcast_does_not_even_try_a_person_who_blocked_the_bot(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        admin, an, binh = await register(bot, HUYEN), await register(bot, AN), await register(bot, BINH)
        await bot.send(bot.api.blocks_bot(an.user))
        seen = len(bot.api.calls)
        await bot.send(admin.text("/thongbao"))
        await bot.send(admin.text("Họp giao ban thứ Hai lúc 8 giờ"))
        await bot.send(admin.tap("Trưởng thôn"))
        await bot.send(admin.tap("🏛 Huyện Sơn Hà (dữ liệu mẫu)"))
        await bot.send(admin.tap("Tất cả"))
        await bot.send(admin.tap("✅ Gửi"))
        assert any(
            "Sẽ gửi tới 1 người" in t for t in bot.api.texts(admin.id)
        )  # An blocked the bot: not counted
        assert any("Họp giao ban" in t for t in bot.api.texts(binh.id))
        assert calls_to_chat(bot, an.id, seen) == []  # not sent and refused: not attempted at all
