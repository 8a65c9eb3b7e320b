"""Taking access away over Telegram (issue 14, finding 3): a commune officer locks a village head of their
commune with `/khoa` and its button; the head is told on their chat before the link goes, and whatever they
write next is answered only "your access has ended". A button forged by an officer of another commune, or
pressed without the question, changes nothing."""

from __future__ import annotations

from pathlib import Path

from cdht.handlers.admin.lifecycle import farewell
from cdht.handlers.admin.lifecycle_chat import GONE, NOT_YOURS
from cdht.handlers.respondent.registration import ACCESS_ENDED
from tests.bot.telegram.harness import AN, register, running_bot
from tests.support import YEAR

THU = (7101, "Thu", "0901000001")  # Phan Thị Thu, cán bộ xã An Bình (AN's commune)
QUANG = (7102, "Quang", "0901000002")  # Võ Văn Quang, cán bộ xã Hòa Lạc


async def test_an_officer_locks_a_village_head_who_is_told_and_then_hears_nothing_else(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        thu = await register(bot, THU)
        quang = await register(bot, QUANG)
        async with bot.app.uow() as uow:
            head = await uow.people.by_phone("+84902000001")
            assert head is not None

        await bot.send(quang.text("/khoa 0902000001 thử quyền"))  # another commune's officer
        assert bot.api.texts(quang.id)[-1] == NOT_YOURS.text
        await bot.send(quang.callback(f"m|khoa_ok|{head.id}"))  # a button nobody showed him
        assert bot.api.texts(quang.id)[-1] == GONE.text

        await bot.send(thu.text("/khoa 0902000001 đã chuyển công tác"))
        [asked] = bot.api.calls_to("sendMessage", thu.id)[-1:]
        assert str(asked.params["text"]).startswith("🔒 Khoá quyền dùng bot của Nguyễn Văn An")
        [[lock, cancel]] = asked.params["reply_markup"]["inline_keyboard"]
        assert (lock["callback_data"], cancel["callback_data"]) == (f"m|khoa_ok|{head.id}", "m|huy")
        await bot.send(thu.callback(lock["callback_data"]))
        assert bot.api.texts(thu.id)[-1].startswith("✅ Đã khoá quyền dùng bot của Nguyễn Văn An")
        assert bot.api.texts(an.id)[-1] == farewell(head).text

        await bot.send(an.text("1.250"), an.text("/start"), an.contact())
        assert bot.api.texts(an.id)[-3:] == [ACCESS_ENDED.text] * 3
        async with bot.app.uow() as uow:
            gone = await uow.people.get(head.id)
            assert gone is not None and not gone.active
            assert await uow.people.identities(head.id) == []
            officer = await uow.people.by_phone("+84901000001")
            [entry] = [e for e in await uow.audit.for_units([head.unit_id], YEAR) if e.action == "deactivate"]
        assert officer is not None and (entry.actor_id, entry.reason) == (officer.id, "đã chuyển công tác")
