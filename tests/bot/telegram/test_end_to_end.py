"""A village head on Telegram, end to end over real HTTP: registers by sharing their contact, answers the whole
village questionnaire with buttons, typed numbers, an album of photos and a photo sent as a file, while the
bot is restarted in the middle; then the commune's score reflects the answers."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.handlers.scores import score_unit
from cdht.scoring.report import assessment_to_json
from tests.bot.telegram.harness import AN, TelegramBotUnderTest, register, running_bot
from tests.fakes.telegram_user import TelegramUser

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


def jpeg(shade: int, *, exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (shade, 120, 200)).save(
        buffer, "JPEG", exif=exif if exif is not None else Image.Exif()
    )
    return buffer.getvalue()


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (21.0, 1.0, 48.0), 3: "E", 4: (105.0, 51.0, 0.0)})
    exif.get_ifd(0x8769)[0x9003] = "2025:10:02 08:30:00"
    return exif


async def answer_current(bot: TelegramBotUnderTest, an: TelegramUser, question_id: str, qtype: str) -> None:
    if qtype == "integer" and question_id in NUMBERS:
        await bot.send(an.text(NUMBERS[question_id]))
    elif qtype in TYPED:
        await bot.send(an.text(TYPED[qtype]))
    elif qtype == "yes_no":
        await bot.send(an.tap("Có"))
    elif qtype == "multi_choice":
        await bot.send(an.tap("⬜ Tuyên truyền cổ động"))
        await bot.send(an.tap("⬜ Lớp học chuyên đề"))
        await bot.send(an.tap("✅ Xong"))
    elif qtype == "location":
        await bot.send(an.location(21.03, 105.85))
    elif qtype == "evidence" and question_id == "communication_photos":
        album = [
            an.photo(jpeg(shade), group="album-1", caption="Họp thôn" if shade == 10 else None)
            for shade in (10, 60, 110)
        ]
        await bot.send(*album)
        await bot.send(an.tap("✅ Xong"))
    elif qtype == "evidence":
        await bot.send(an.document(jpeg(200, exif=exif_with_gps()), "IMG_0042.jpg", "image/jpeg"))
        await bot.send(an.tap("✅ Xong"))
    else:
        raise AssertionError(f"no way to answer {question_id} ({qtype})")


async def test_village_head_answers_everything_on_telegram_across_a_restart(tmp_path: Path) -> None:
    questionnaire = builtin_questionnaires()["village_head"]
    async with running_bot(tmp_path) as bot:
        an = bot.user(AN)
        await bot.send(an.text("/start"))
        [ask] = bot.api.chat_messages(an.id)
        assert ask["reply_markup"]["keyboard"][0][0]["request_contact"] is True
        an = await register(bot, AN)
        welcome = next(
            m for m in bot.api.chat_messages(an.id) if "Xin chào Nguyễn Văn An" in m.get("text", "")
        )
        assert welcome["reply_markup"] == {"remove_keyboard": True}  # the contact button goes away
        [menu] = [c for c in bot.api.calls_to("setMyCommands") if c.params["scope"]["type"] == "chat"]
        assert menu.params["scope"]["chat_id"] == an.id
        assert {"start", "xemlai", "help"} <= {c["command"] for c in menu.params["commands"]}
        assert not {"tiendo", "duyet", "thongbao"} & {c["command"] for c in menu.params["commands"]}

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
                await answer_current(bot, an, question.id, question.type)
            else:
                await bot.send(an.tap("✅ Xong, gửi kết quả"))
        else:
            raise AssertionError(
                "the questionnaire never completed:\n" + "\n".join(bot.api.texts(an.id)[-4:])
            )
        assert restarted

        texts = bot.api.texts(an.id)
        assert not [t for t in texts if t.startswith("⚠️")], [t for t in texts if t.startswith("⚠️")]
        assert any("✅ Đã lưu: 1.000" in t for t in texts)
        assert any(t.startswith("🎉 Đã hoàn thành") or "🎉 Đã hoàn thành" in t for t in texts)
        taps = [c for c in bot.api.calls if c.method == "answerCallbackQuery"]
        assert taps and all("text" not in c.params for c in taps)  # every tap answered, none refused
        # Multiple choice is redrawn in place; other tapped keyboards disappear.
        redrawn = [
            json.dumps(c.params["reply_markup"], ensure_ascii=False)
            for c in bot.api.calls_to("editMessageText")
        ]
        assert any("☑️ Tuyên truyền cổ động" in keyboard for keyboard in redrawn)
        assert bot.api.calls_to("editMessageReplyMarkup", an.id)
        assert all(len(c.params["text"]) <= 4096 for c in bot.api.calls_to("sendMessage"))

        async with bot.app.uow() as uow:
            person = await uow.people.by_phone("+84902000001")
            assert person is not None
            answers = await uow.answers.latest(person.unit_id, 2025)
            evidence = await uow.evidence.for_unit(person.unit_id, 2025)
            assessment = await score_unit(uow, "DEMO-SH-X1", 2025)
    assert answers["citizens"].value == 1000 and answers["learning_citizens"].value == 850
    assert answers["lifelong_week_activities"].value == ["communication", "classes"]
    album = [e for e in evidence if e.question_id == "communication_photos"]
    assert len(album) == 3 and {e.caption for e in album} == {"Họp thôn", None}
    assert all(e.channel == "telegram" and e.channel_file_unique_id and e.sha256 for e in evidence)
    assert all((bot.app.settings.evidence_dir / e.sha256[:2] / e.sha256).is_file() for e in album if e.sha256)
    sent_as_file = [e for e in evidence if e.original_name == "IMG_0042.jpg"]  # two questions, one file
    assert len(sent_as_file) == 2 and len({e.sha256 for e in sent_as_file}) == 1
    for record in sent_as_file:  # a photo sent as a file keeps its EXIF: where and when it was taken
        assert record.latitude is not None and abs(record.latitude - 21.03) < 0.001
        assert record.longitude is not None and abs(record.longitude - 105.85) < 0.001
        assert record.taken_at == datetime(2025, 10, 2, 8, 30, tzinfo=timezone(timedelta(hours=7)))

    report = assessment_to_json(assessment)
    [learning] = [
        item
        for criterion in report["levels"]["1"]["criteria"]
        for item in criterion["indicators"]
        if item["id"] == "5.1"
    ]
    assert "850" in learning["explanation"] and "1.000" in learning["explanation"]
