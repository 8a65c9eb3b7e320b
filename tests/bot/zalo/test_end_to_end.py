"""Zalo end to end over real HTTP: a village head registers with an invite code and answers the whole village
questionnaire by typing (numbered options, toggles, photos), while the bot is restarted in the middle; then a
commune officer asks for the progress and gets the chart as a photo Zalo fetches from a signed link, and an
export as a download link."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import text

from cdht.conversations.definition.loader import builtin_questionnaires
from tests.bot.zalo.harness import AN, THU, ZaloBotUnderTest, register, running_zalo_bot
from tests.fakes.zalo_api import ZaloUser

NUMBERS = {
    "households": "250",
    "citizens": "1.000",
    "learning_citizens": "850",
    "trained_citizens": "620",
    "university_citizens": "160",
}
TYPED = {
    "integer": "3",
    "money": "12,5 triệu",
    "date": "05/10/2025",
    "text": "Sinh hoạt tại nhà văn hóa thôn",
}


def jpeg(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (shade, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


async def answer_current(bot: ZaloBotUnderTest, an: ZaloUser, question_id: str, qtype: str) -> list[bytes]:
    """Answer the question being asked the way a person on Zalo would; returns the photos sent."""
    shown = bot.api.texts(an.id)[-1]
    if qtype == "integer" and question_id in NUMBERS:
        await bot.say(an, NUMBERS[question_id])
    elif qtype in TYPED:
        await bot.say(an, TYPED[qtype])
    elif qtype == "yes_no":
        assert "1️⃣ Có" in shown and "2️⃣ Không" in shown, shown
        await bot.say(an, "1")
    elif qtype == "multi_choice":
        assert "⬜" in shown and "gõ «xong»" in shown, shown
        replies = await bot.say(an, "1")
        assert "☑️" in replies[-1], replies  # the question is shown again with the first option ticked
        await bot.say(an, "lop hoc chuyen de")  # an option's text, without accents, toggles it too
        await bot.say(an, "xong")
    elif qtype == "location":
        await bot.say(an, "bỏ qua")  # Zalo bots receive no locations; the question is optional
    elif qtype == "evidence":
        photos = [jpeg(10 + 40 * index + len(question_id)) for index in range(2)]
        for content in photos:
            await bot.send(an.photo(content, caption="Họp thôn"))
        await bot.say(an, "xong")
        return photos
    else:
        raise AssertionError(f"no way to answer {question_id} ({qtype})")
    return []


@pytest.mark.slow
async def test_village_head_answers_everything_on_zalo_then_officer_gets_chart_and_export(
    tmp_path: Path,
) -> None:
    questionnaire = builtin_questionnaires()["village_head"]
    async with running_zalo_bot(tmp_path) as bot:
        an = bot.user(AN)
        [ask] = await bot.say(an, "xin chào")
        assert "mã mời" in ask and "Chia sẻ số điện thoại" not in ask
        assert "Mã mời không đúng" in (await bot.say(an, "/start ZZ99ZZ99"))[0]
        an = await register(bot, AN)
        assert any("Câu 1/" in t for t in bot.api.texts(an.id))

        photos: list[bytes] = []
        restarted = False
        for _ in range(80):
            session = await bot.session_of(AN[2])
            assert session is not None
            if session.state == "completed":
                break
            if session.cursor == "clans" and not restarted:
                await bot.restart()  # the state of record is the database: nothing is lost
                restarted = True
            question = questionnaire.get(session.cursor) if session.cursor else None
            if session.state in ("asking", "collecting_evidence") and question is not None:
                photos += await answer_current(bot, an, question.id, question.type)
            else:
                assert "«xong»" in bot.api.texts(an.id)[-1]
                await bot.say(an, "xong")
        else:
            raise AssertionError("never completed:\n" + "\n".join(bot.api.texts(an.id)[-4:]))
        assert restarted

        texts = bot.api.texts(an.id)
        assert not [t for t in texts if t.startswith("⚠️")], [t for t in texts if t.startswith("⚠️")]
        assert any("🎉 Đã hoàn thành" in t for t in texts)
        assert all(0 < len(t) <= 2000 for t in texts)
        async with bot.app.uow() as uow:
            person = await uow.people.by_phone("+84902000001")
            assert person is not None
            answers = await uow.answers.latest(person.unit_id, 2025)
            evidence = await uow.evidence.for_unit(person.unit_id, 2025)
        assert answers["citizens"].value == 1000 and answers["village_cdht"].value is True
        assert len(answers["lifelong_week_activities"].value) == 2  # type: ignore[arg-type]
        assert {e.channel for e in evidence} == {"zalo"} and len(evidence) == len(photos)
        stored = {bot.app.files.read_bytes(e.sha256) for e in evidence if e.sha256}
        assert stored == set(photos)  # fetched from the photo URLs at once, stored by content hash

        # The commune officer registers by just sending the code, then asks for the progress.
        thu = bot.user(THU)
        code = await bot.invite(THU[2])
        assert any("Xin chào Phan Thị Thu" in t for t in await bot.say(thu, code.lower()))
        replies = await bot.say(thu, "/tiendo")
        assert any("📊" in t and "Thôn Đông" in t for t in replies), replies
        charts = bot.api.calls_to("sendPhoto", thu.id)
        assert charts and all(c.fetched and c.fetched.startswith(b"\x89PNG") for c in charts)  # Zalo got them
        url = charts[0].params["photo"]
        assert url.startswith(bot.app.settings.public_url or "-") and "s=" in url
        async with httpx.AsyncClient() as http:
            fetched = await http.get(url)
            assert fetched.status_code == 200 and fetched.content.startswith(b"\x89PNG")
            assert fetched.headers["content-type"] == "image/png"
            assert (await http.get(url.replace("s=", "s=x"))).status_code == 403

            # Exports are links: "2" (📄 Hồ sơ in the progress report, still in force after the charts that
            # came below it) lists the files by number, "1" makes the first one.
            [menu] = await bot.say(thu, "2")
            assert "1️⃣ " in menu and "👉 Gõ số" in menu, menu
            replies = await bot.say(thu, "1")
            [link_text] = [t for t in replies if "📎 Tải tệp" in t]
            link = next(line for line in link_text.splitlines() if line.startswith("http"))
            document = await http.get(link)
            assert document.status_code == 200 and document.content.startswith(b"PK")
            assert "attachment" in document.headers["content-disposition"]


async def test_webhook_refuses_a_wrong_secret_and_stores_each_update_once(tmp_path: Path) -> None:
    async with running_zalo_bot(tmp_path, webhook=True) as bot:
        assert bot.api.webhook is not None
        assert bot.api.webhook["url"].endswith("/zalo/webhook")
        an = bot.user(AN)
        update = an.text("xin chào")
        assert await bot.api.post_to_webhook(update, secret="wrong-secret-123") == 401
        assert await bot.api.post_to_webhook(update, secret=None) == 401
        async with bot.app.database.engine.connect() as connection:
            assert await connection.scalar(text("SELECT count(*) FROM inbox")) == 0
        assert await bot.api.post_to_webhook({"hello": "world"}) == 400
        await bot.send(update)  # as documented: {"ok": true, "result": update}
        await bot.send(update)  # Zalo delivers it again: the same (event name, message id) is ignored
        assert await bot.api.post_to_webhook(update, envelope=False) == 200  # a bare update is read too
        await bot.settle()
        async with bot.app.database.engine.connect() as connection:
            assert await connection.scalar(text("SELECT count(*) FROM inbox")) == 1
        assert len(bot.api.texts(an.id)) == 1
        other = an.text("chào lần nữa")
        assert await bot.api.post_to_webhook(other, envelope=False) == 200
        await bot.stored(f"message.text.received:{other['message']['message_id']}")
        await bot.settle()
        an = await register(bot, AN)
        assert any("Câu 1/" in t for t in bot.api.texts(an.id))
