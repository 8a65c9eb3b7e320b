"""Nothing a client sends is trusted: forged buttons, other people's contacts, oversized files, old codes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.bot.telegram.harness import AN, BINH, register, running_bot

# Up to the first yes/no question, "village_cdht_assessed".
TO_THE_YES_NO = ("250", "1.000", "850", "620", "160", "240", "200", "6", "5", "4")


async def test_a_forged_callback_for_another_village_is_refused(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        await bot.send(*(an.text(answer) for answer in TO_THE_YES_NO))
        an_session = await bot.session_of(AN[2])
        assert an_session is not None and an_session.cursor == "village_cdht_assessed"
        [an_question] = [
            m for m in bot.api.chat_messages(an.id) if "Cộng đồng học tập cấp thôn" in m.get("text", "")
        ]
        binh = await register(bot, BINH)

        # Bình's client sends An's button data on Bình's own question: the engine only accepts an answer
        # to Bình's own current question, in Bình's own village.
        [binh_question] = [m for m in bot.api.chat_messages(binh.id) if "Câu 1/" in m.get("text", "")]
        await bot.send(binh.callback("c|village_cdht_assessed|yes", binh_question))
        assert "Nút này thuộc một câu hỏi trước" in bot.api.texts(binh.id)[-1]
        # Or attaches An's message itself (Telegram would not let a client do that): ignored, and An's
        # message keeps its keyboard.
        before = len(bot.api.calls_to("sendMessage"))
        await bot.send(binh.callback("c|village_cdht_assessed|yes", an_question))
        assert len(bot.api.calls_to("sendMessage")) == before
        assert bot.api.messages[(str(an.id), an_question["message_id"])]["reply_markup"]
        assert bot.api.calls_to("answerCallbackQuery")[-1].params["text"] == "Nút này không còn dùng được"
        # A commune officer's button ("approve this village") from a village head: refused by role.
        await bot.send(binh.callback("m|duyet_ok|DEMO-SH-X1-T1"))
        assert "không dành cho vai trò" in bot.api.texts(binh.id)[-1]
        # Garbage: answered with a short notice on the button itself, and no message.
        replies = len(bot.api.texts(binh.id))
        await bot.send(binh.callback("x|DROP TABLE people"), binh.callback("c|" + "q" * 80 + "|1"))
        notices = [c.params.get("text") for c in bot.api.calls_to("answerCallbackQuery")[-2:]]
        assert notices == ["Nút này không còn dùng được"] * 2
        assert len(bot.api.texts(binh.id)) == replies

        async with bot.app.uow() as uow:
            for phone in ("+84902000001", "+84902000002"):
                person = await uow.people.by_phone(phone)
                assert person is not None
                assert "village_cdht_assessed" not in await uow.answers.latest(person.unit_id, 2025)
        binh_session = await bot.session_of(BINH[2])
        assert binh_session is not None and binh_session.cursor == "households"
        assert (await bot.session_of(AN[2])) == an_session  # An's questionnaire did not move


async def test_a_25_mb_file_gets_the_size_message_and_is_never_downloaded(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        await bot.send(an.document(b"%PDF-1.7 big", "bien-ban.pdf", "application/pdf", size=25 * 1024 * 1024))
        assert "Tệp lớn hơn 20 MB" in bot.api.texts(an.id)[-1]
        assert not bot.api.calls_to("getFile") and not [c for c in bot.api.calls if c.method == "download"]


async def test_registration_needs_ones_own_listed_number_or_a_valid_invite(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = bot.user(AN)
        await bot.send(an.contact("0902000002", own=False))  # someone else's card
        assert "số điện thoại của chính anh/chị" in bot.api.texts(an.id)[-1]
        stranger = bot.user((7999, "Lạ", "0987654321"))
        await bot.send(stranger.contact())
        assert "chưa có trong danh sách" in bot.api.texts(stranger.id)[-1]

        async with bot.app.uow() as uow:
            binh = await uow.people.by_phone("+84902000002")
            assert binh is not None
            await uow.invites.create("MOI2025AB", binh.id, datetime.now(UTC), None)
            await uow.commit()
        invited = bot.user((7003, "Bình", "0000"))
        await bot.send(invited.text("/start MOI2025AB"))  # the deep link t.me/<bot>?start=MOI2025AB
        assert any("Xin chào Trần Thị Bình" in t for t in bot.api.texts(invited.id))
        await bot.send(stranger.text("/start MOI2025AB"))  # one-time: used up
        assert "Mã mời không đúng" in bot.api.texts(stranger.id)[-1]
        async with bot.app.uow() as uow:
            assert await uow.people.by_identity("telegram", str(an.id)) is None
