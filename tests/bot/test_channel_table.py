"""One table of conversations, run on Telegram and on Zalo through each channel's fake Bot API over real HTTP:
the same message from the same person gets the same answer, whatever the channel shows around it (buttons
on Telegram, numbered lines on Zalo). People register with an invite code on both."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import pytest

from cdht.bot.composition import App
from cdht.handlers.admin.invites import new_code
from cdht.handlers.admin.phones import normalise_phone
from tests.bot.telegram import harness as telegram
from tests.bot.zalo import harness as zalo

STICKER = "<sticker>"
TO_THE_YES_NO_QUESTION = (
    "250",
    "1.000",
    "850",
    "620",
    "160",
    "0",
    "0",
)  # no family evaluated, no clans: village_cdht_assessed


@dataclass(frozen=True)
class Row:
    name: str
    says: tuple[str, ...]  # typed in order; the replies to the last one are checked
    expect: tuple[str, ...]
    registered: bool = True
    absent: tuple[str, ...] = ()


TABLE = (
    Row("a stranger is asked to register", ("xin chào",), ("trợ lý thu thập số liệu",), registered=False),
    Row("a wrong invite code is refused", ("/start ZZ99ZZ99",), ("Mã mời không đúng",), registered=False),
    Row("an answer is saved, the next question asked", ("250",), ("✅ Đã lưu: 250 hộ", "Câu 2/")),
    Row("words are no number", ("nhiều lắm",), ("⚠️",), absent=("✅",)),
    Row("a relation between answers is checked", ("250", "1.000", "2.000"), ("⚠️", "1.000")),
    Row("typed navigation goes back", ("250", "quay lại"), ("Câu 1/", "250")),
    Row("the summary", ("250", "xem lại"), ("📋 Tóm tắt", "250 hộ")),
    Row("a yes/no question by its number", (*TO_THE_YES_NO_QUESTION, "1"), ("✅ Đã lưu: Có",)),
    Row("a yes/no option by its text, no accents", (*TO_THE_YES_NO_QUESTION, "khong"), ("✅ Đã lưu: Không",)),
    Row("help lists the role's commands", ("/help",), ("/xemlai",), absent=("/tiendo",)),
    Row("an officer's command is refused", ("/tiendo",), ("không dành cho vai trò",)),
    Row("a sticker is not an answer", (STICKER,), ("nhãn dán",)),
)


class Chat(Protocol):
    async def register(self, code: str) -> list[str]: ...
    async def say(self, line: str) -> list[str]: ...


class TelegramChat:
    def __init__(self, bot: telegram.TelegramBotUnderTest) -> None:
        self.bot = bot
        self.user = bot.user(telegram.AN)

    async def register(self, code: str) -> list[str]:
        return await self.say(f"/start {code}")

    async def say(self, line: str) -> list[str]:
        before = len(self.bot.api.texts(self.user.id))
        if line == STICKER:
            sticker = {
                "file_id": "sticker-1",
                "file_unique_id": "st-1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
            await self.bot.send(self.user.message(sticker=sticker))
        else:
            await self.bot.send(self.user.text(line))
        return self.bot.api.texts(self.user.id)[before:]


class ZaloChat:
    def __init__(self, bot: zalo.ZaloBotUnderTest) -> None:
        self.bot = bot
        self.user = bot.user(zalo.AN)

    async def register(self, code: str) -> list[str]:
        return await self.say(f"/start {code}")

    async def say(self, line: str) -> list[str]:
        if line == STICKER:
            before = len(self.bot.api.texts(self.user.id))
            await self.bot.send(self.user.sticker())
            return self.bot.api.texts(self.user.id)[before:]
        return await self.bot.say(self.user, line)


async def invite(app: App, phone: str) -> str:
    now = datetime.now(UTC)
    async with app.uow() as uow:
        person = await uow.people.by_phone(normalise_phone(phone) or phone)
        assert person is not None
        code = new_code()
        await uow.invites.create(code, person.id, now, now + timedelta(days=1))
        await uow.commit()
    return code


Channel = Callable[[Path], AbstractAsyncContextManager[tuple[App, Chat]]]


def _telegram(tmp_path: Path) -> AbstractAsyncContextManager[tuple[App, Chat]]:
    return _wrap(telegram.running_bot(tmp_path), TelegramChat)


def _zalo(tmp_path: Path) -> AbstractAsyncContextManager[tuple[App, Chat]]:
    return _wrap(zalo.running_zalo_bot(tmp_path), ZaloChat)


class _wrap:
    def __init__(self, running: AbstractAsyncContextManager[Any], chat: Callable[[Any], Chat]) -> None:
        self._running = running
        self._chat = chat

    async def __aenter__(self) -> tuple[App, Chat]:
        bot = await self._running.__aenter__()
        return bot.app, self._chat(bot)

    async def __aexit__(self, *exc: object) -> None:
        await self._running.__aexit__(*exc)


@pytest.fixture(params=["telegram", "zalo"])
async def channel_chat(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[App, Chat]]:
    opened: Channel = {"telegram": _telegram, "zalo": _zalo}[request.param]
    async with opened(tmp_path) as running:
        yield running


@pytest.mark.parametrize("row", TABLE, ids=[row.name for row in TABLE])
async def test_the_same_message_gets_the_same_answer_on_every_channel(
    channel_chat: tuple[App, Chat], row: Row
) -> None:
    app, chat = channel_chat
    if row.registered:
        welcome = await chat.register(await invite(app, telegram.AN[2]))
        assert any("Xin chào Nguyễn Văn An" in text for text in welcome), welcome
        assert any("Câu 1/" in text for text in welcome), welcome
    replies: list[str] = []
    for line in row.says:
        replies = await chat.say(line)
    joined = "\n".join(replies)
    for fragment in row.expect:
        assert fragment in joined, (row.name, replies)
    for fragment in row.absent:
        assert fragment not in joined, (row.name, replies)
