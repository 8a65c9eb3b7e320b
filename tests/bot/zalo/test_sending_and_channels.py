"""Sending on Zalo when things go wrong (server errors, 403, expired photo links, no public URL), and one
person answering on Zalo and on Telegram: one person, one set of answers, whichever channel they came from."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from cdht.bot.zalo.transport import FORBIDDEN_ATTEMPTS, NO_PUBLIC_URL
from tests.bot.telegram import harness as telegram
from tests.bot.zalo.harness import (
    AN,
    THU,
    ZaloBotUnderTest,
    register,
    running_zalo_bot,
    settings_for,
)
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.zalo_api import FakeZaloAPI
from tests.support import open_demo_app


async def outbox_statuses(bot: ZaloBotUnderTest) -> dict[str, int]:
    async with bot.app.database.engine.connect() as connection:
        rows = await connection.execute(text("SELECT status, count(*) FROM outbox GROUP BY status"))
        return {status: int(count) for status, count in rows}


async def reachable(bot: ZaloBotUnderTest, phone: str) -> bool:
    async with bot.app.uow() as uow:
        person = await uow.people.by_phone(phone)
    assert person is not None
    return person.reachable


async def test_server_errors_and_quota_errors_are_retried(tmp_path: Path) -> None:
    async with running_zalo_bot(tmp_path) as bot:
        an = await register(bot, AN)
        bot.api.fail_next("sendMessage", 500, chat_id=an.id)
        bot.api.fail_next("sendMessage", 429, chat_id=an.id)
        replies = await bot.say(an, "250")
        assert len(replies) == 1 and "✅ Đã lưu: 250" in replies[0]  # delivered once, after two failures
        assert await reachable(bot, "+84902000001") and "failed" not in await outbox_statuses(bot)


async def test_a_send_answered_403_is_retried_before_the_person_is_marked_unreachable(tmp_path: Path) -> None:
    """Zalo's error table calls 403 "Internal server error", not "blocked": a first 403 is retried, and only
    a message answered 403 at each of its FORBIDDEN_ATTEMPTS attempts marks the person unreachable."""
    async with running_zalo_bot(tmp_path) as bot:
        an = await register(bot, AN)
        bot.api.fail_next("sendMessage", 403, chat_id=an.id)
        replies = await bot.say(an, "250")
        assert len(replies) == 1 and "✅ Đã lưu: 250" in replies[0]  # delivered on the second attempt
        assert await reachable(bot, "+84902000001") and "failed" not in await outbox_statuses(bot)

        refused = len([c for c in bot.api.calls if c.method == "sendMessage" and c.status == 403])
        bot.api.fail_next("sendMessage", 403, chat_id=an.id, times=FORBIDDEN_ATTEMPTS)
        assert await bot.say(an, "1.000") == []
        forbidden = [c for c in bot.api.calls if c.method == "sendMessage" and c.status == 403][refused:]
        assert len(forbidden) == FORBIDDEN_ATTEMPTS  # tried again, and given up after that many
        assert not await reachable(bot, "+84902000001")
        assert (await outbox_statuses(bot)).get("failed") == 1


async def test_an_expired_photo_link_asks_for_the_photo_again(tmp_path: Path) -> None:
    async with running_zalo_bot(tmp_path) as bot:
        an = await register(bot, AN)
        photo = an.photo(b"\xff\xd8\xff photo")
        bot.api.expire_photo(photo["message"]["photo"])
        await bot.send(photo)
        assert "Không tải được tệp vừa gửi" in bot.api.texts(an.id)[-1]
        assert bot.api.calls_to("sendChatAction", an.id)  # "typing…" while it was being fetched


async def test_without_a_public_url_a_chart_is_announced_but_not_sent(tmp_path: Path) -> None:
    async with running_zalo_bot(tmp_path, public_url=None) as bot:
        thu = await register(bot, THU)
        await bot.say(thu, "/bieudo")
        assert not bot.api.calls_to("sendPhoto")
        assert any(NO_PUBLIC_URL in t for t in bot.api.texts(thu.id))


async def test_one_person_answers_on_zalo_and_on_telegram_into_the_same_questionnaire(tmp_path: Path) -> None:
    """Both channels in one process, as `cdht run` may wire them: each runner takes its own channel's inbox rows,
    and only one runs the jobs and the scheduler."""
    zalo_api, telegram_api = FakeZaloAPI(), FakeTelegramAPI()
    await zalo_api.start()
    await telegram_api.start()
    try:
        both = settings_for(
            tmp_path / "data",
            zalo_api,
            telegram_token=TELEGRAM_TOKEN,
            telegram_api_base=telegram_api.base_url,
            miniapp=False,  # two runners in one process: only the Zalo one serves HTTP (its webhook and files)
        )
        async with open_demo_app(both) as app:
            on_zalo = ZaloBotUnderTest(app, zalo_api, background=False)
            on_telegram = telegram.TelegramBotUnderTest(app, telegram_api)
            await on_zalo.start()
            await on_telegram.start()
            try:
                an_zalo = await register(on_zalo, AN)
                await on_zalo.say(an_zalo, "250")

                an_telegram = on_telegram.user(telegram.AN)
                code = await on_zalo.invite(AN[2])
                await on_telegram.send(an_telegram.text(f"/start {code}"))
                texts = telegram_api.texts(an_telegram.id)
                assert any("Xin chào Nguyễn Văn An" in t for t in texts) and any("Câu 2/" in t for t in texts)
                await on_telegram.send(an_telegram.text("1.000"))

                replies = await on_zalo.say(an_zalo, "/start")
                assert any("Câu 3/" in t for t in replies), replies  # Zalo goes on after Telegram's answer
            finally:
                await on_telegram.stop()
                await on_zalo.stop()
            async with app.uow() as uow:
                person = await uow.people.by_phone("+84902000001")
                assert person is not None
                channels = {identity.channel for identity in await uow.people.identities(person.id)}
                answers = await uow.answers.latest(person.unit_id, 2025)
        assert channels == {"zalo", "telegram"}
        assert answers["households"].value == 250 and answers["citizens"].value == 1000
    finally:
        await zalo_api.close()
        await telegram_api.close()
