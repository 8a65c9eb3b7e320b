"""A re-link over Telegram (issue 14, finding 2): a commune officer makes a code for a village head who has a
new Telegram account; the old account is told before its link moves, and the trail is in the audit log."""

from __future__ import annotations

from pathlib import Path

from cdht.handlers.respondent.registration import relinked_notice
from tests.bot.telegram.harness import AN, register, running_bot
from tests.support import YEAR

THU = (7101, "Thu", "0901000001")  # Phan Thị Thu, cán bộ xã An Bình
AN_NEW_PHONE = (7009, "An máy mới", "0000")


async def test_the_old_account_is_told_when_a_code_moves_its_link(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        thu = await register(bot, THU)
        await bot.send(thu.text("/moi 0902000001"))
        [reply] = [t for t in bot.api.texts(thu.id) if t.startswith("Mã mời cho Nguyễn Văn An: ")]
        code = reply.split(": ", 1)[1].split(" ", 1)[0]

        new = bot.user(AN_NEW_PHONE)
        await bot.send(new.text(f"/start {code}"))
        assert any("Xin chào Nguyễn Văn An" in t for t in bot.api.texts(new.id))
        async with bot.app.uow() as uow:
            person = await uow.people.by_phone("+84902000001")
            officer = await uow.people.by_phone("+84901000001")
            assert person is not None and officer is not None
            entries = await uow.audit.for_units([person.unit_id], YEAR)
        how = "mã mời do Phan Thị Thu tạo"
        assert bot.api.texts(an.id)[-1] == relinked_notice(person, "telegram", how).text
        assert [(e.action, e.actor_id, e.old_value, e.new_value) for e in entries] == [
            ("invite", officer.id, None, "Nguyễn Văn An (trưởng thôn)"),
            ("invite_used", person.id, None, f"Telegram {new.id}"),
            ("relink", person.id, f"Telegram {an.id}", f"Telegram {new.id}"),
        ]
        await bot.send(an.text("/start"))  # the old account is a stranger now
        assert "Chia sẻ số điện thoại" in bot.api.texts(an.id)[-1]
