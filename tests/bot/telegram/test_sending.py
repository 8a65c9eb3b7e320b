"""Sending through the outbox to the fake Bot API: 429, 403 and 5xx answers, long texts, files, rate limits."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from cdht.conversations.outbound import FileRef, OutboundMessage
from cdht.handlers.wire import outbound_to_json
from tests.bot.telegram.harness import AN, TelegramBotUnderTest, register, running_bot
from tests.fakes.telegram_user import TelegramUser


async def last_outbox_row(bot: TelegramBotUnderTest) -> dict[str, Any]:
    async with bot.app.database.engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT status, attempts, external_message_id, error FROM outbox ORDER BY id DESC LIMIT 1"
                )
            )
        ).one()
    return dict(row._mapping)


async def reachable(bot: TelegramBotUnderTest, phone: str) -> bool:
    async with bot.app.uow() as uow:
        person = await uow.people.by_phone(phone)
    assert person is not None
    return person.reachable


async def queue(bot: TelegramBotUnderTest, user: TelegramUser, *messages: OutboundMessage) -> None:
    async with bot.app.uow() as uow:
        for message in messages:
            await uow.outbox.add("telegram", str(user.id), outbound_to_json(message), datetime.now(UTC))
        await uow.commit()
    await bot.settle()


async def test_a_429_with_retry_after_delays_then_delivers(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        bot.api.fail_next("sendMessage", 429, retry_after=1, chat_id=an.id)
        await bot.send(an.text("250"))
        attempts = [c for c in bot.api.calls if c.method == "sendMessage" and c.chat_id == str(an.id)][-2:]
        assert [c.status for c in attempts] == [429, 200]
        assert attempts[1].at - attempts[0].at >= 1.0
        assert "✅ Đã lưu: 250 hộ" in attempts[1].params["text"]
        row = await last_outbox_row(bot)
        assert (row["status"], row["attempts"]) == ("sent", 1) and row["external_message_id"]


async def test_a_403_marks_the_person_unreachable_and_gives_up(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        bot.api.fail_next("sendMessage", 403, chat_id=an.id)
        await bot.send(an.text("250"))
        row = await last_outbox_row(bot)
        assert (row["status"], row["attempts"]) == ("failed", 1) and "blocked" in row["error"]
        assert not await reachable(bot, "+84902000001")
        assert len([c for c in bot.api.calls if c.method == "sendMessage" and c.status == 403]) == 1
        await bot.send(an.text("1.000"))  # they unblocked the bot and wrote again: reachable once more
        assert await reachable(bot, "+84902000001")


async def test_server_errors_are_retried_with_back_off(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        bot.api.fail_next("sendMessage", 500, times=2, chat_id=an.id)
        await bot.send(an.text("250"))
        attempts = [c for c in bot.api.calls if c.method == "sendMessage" and c.chat_id == str(an.id)][-3:]
        assert [c.status for c in attempts] == [500, 500, 200]
        assert attempts[1].at - attempts[0].at >= 0.19 and attempts[2].at - attempts[1].at >= 0.39  # doubling
        assert (await last_outbox_row(bot))["attempts"] == 2


async def test_long_texts_are_split_and_files_are_uploaded(tmp_path: Path) -> None:
    report = tmp_path / "bao-cao.xlsx"
    report.write_bytes(b"PK\x03\x04 spreadsheet")
    chart = tmp_path / "bieu-do.png"
    chart.write_bytes(b"\x89PNG chart")
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        stored_report = FileRef(bot.app.files.put_bytes(report.read_bytes(), export=True), "bao-cao.xlsx")
        stored_chart = FileRef(bot.app.files.put_bytes(chart.read_bytes(), export=True), "bieu-do.png")
        long_text = "\n".join(f"Dòng {i}: Thôn Đông — số liệu <b>&</b> ghi chú" for i in range(300))
        await queue(
            bot,
            an,
            OutboundMessage(long_text),
            OutboundMessage("Báo cáo tổng hợp", attachment=stored_report, attachment_kind="document"),
            OutboundMessage("Biểu đồ tiến độ", attachment=stored_chart, attachment_kind="photo"),
        )
        parts = [c for c in bot.api.calls_to("sendMessage", an.id) if c.params["text"].startswith("Dòng")]
        assert len(parts) == 4 and all(len(c.params["text"]) <= 4096 for c in parts)
        assert "\n".join(c.params["text"] for c in parts) == long_text  # plain text: nothing escaped or lost
        assert all("parse_mode" not in c.params for c in parts)
        [document] = bot.api.calls_to("sendDocument", an.id)
        assert (
            document.files["document"] == report.read_bytes()
            and document.params["caption"] == "Báo cáo tổng hợp"
            and document.params["document_file_name"] == "bao-cao.xlsx"  # the name, not the store's hash
        )
        [photo] = bot.api.calls_to("sendPhoto", an.id)
        assert photo.files["photo"] == chart.read_bytes()


async def test_a_file_not_in_the_store_fails_for_good_and_an_old_path_row_goes_as_text(
    tmp_path: Path,
) -> None:
    """The outbox names files by their id in the store: one the store lacks (an export pruned before it was
    sent) is a permanent failure, not an upload of nothing; a row queued by an older version, which named a
    local path, is sent as its text."""
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        gone = FileRef("0" * 64, "bang-tong-hop.xlsx")
        await queue(bot, an, OutboundMessage("Bảng tổng hợp", attachment=gone, attachment_kind="document"))
        row = await last_outbox_row(bot)
        assert row["status"] == "failed" and "attachment missing" in row["error"]
        assert not bot.api.calls_to("sendDocument", an.id)
        async with bot.app.uow() as uow:
            legacy = {"text": "Biểu đồ tiến độ", "attachment_path": "/data/exports/3-bieu-do.png"}
            await uow.outbox.add("telegram", str(an.id), legacy, datetime.now(UTC))
            await uow.commit()
        await bot.settle()
        assert bot.api.texts(an.id)[-1] == "Biểu đồ tiến độ" and not bot.api.calls_to("sendPhoto", an.id)


async def test_one_chat_is_sent_at_most_the_configured_rate_after_a_short_burst(tmp_path: Path) -> None:
    async with running_bot(tmp_path, rate_per_chat_per_second=4.0) as bot:
        an = await register(bot, AN)
        await queue(bot, an, *(OutboundMessage(f"Thông báo {i}") for i in range(7)))
        times = [
            c.at for c in bot.api.calls_to("sendMessage", an.id) if c.params["text"].startswith("Thông báo")
        ]
        assert len(times) == 7
        span = times[-1] - times[0]
        assert span >= (7 - 3) / 4.0 - 0.05  # a burst of 3, then 4 per second


async def test_an_unreadable_outbox_row_is_parked_at_once(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        async with bot.app.uow() as uow:
            await uow.outbox.add("telegram", str(an.id), {"buttons": "nonsense"}, datetime.now(UTC))
            await uow.commit()
        await bot.settle()
        row = await last_outbox_row(bot)
        assert (row["status"], row["attempts"]) == ("failed", 1) and "unreadable" in row["error"]
