"""The Mini App on Telegram, against the fake Bot API: pages as web_app buttons with the public HTTPS URL, and
the Mini App as the chat menu button of officers (not of village heads, not when it is off)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest

from cdht.bot.telegram.channel import TelegramChannel
from cdht.bot.telegram.chat_menus import ChatMenus
from cdht.bot.telegram.keyboards import inline_keyboard
from cdht.bot.telegram.transport import TelegramTransport
from cdht.conversations.inbound import Command
from cdht.conversations.outbound import Button, OpenApp, OutboundMessage
from cdht.handlers.ports import OutboxRecord, PersonRecord, UnitOfWorkFactory
from cdht.handlers.wire import outbound_to_json
from cdht.pipeline.transport import PermanentFailure
from tests.bot.telegram.harness import settings_for
from tests.fakes.telegram_api import FakeTelegramAPI

PUBLIC = "https://cdht.example.vn"
OFFICER = PersonRecord(1, "Phan Thị Thu", "+84901000001", "commune_officer", 10)
HEAD = PersonRecord(2, "Nguyễn Văn An", "+84902000001", "village_head", 11)
CHAT = "7101"
PROGRESS = OutboundMessage(
    "📊 Tiến độ",
    buttons=(
        (Button("📈 Biểu đồ", Command("bieudo", "DEMO-SH-X1")),),
        (Button("🖥 Mở bảng tiến độ", OpenApp("progress", "DEMO-SH-X1")),),
    ),
)
APP_MENU = {"type": "web_app", "text": "Bảng tiến độ", "web_app": {"url": PUBLIC + "/app/progress"}}


@asynccontextmanager
async def telegram(
    tmp_path: Path, **overrides: Any
) -> AsyncIterator[tuple[TelegramChannel, FakeTelegramAPI]]:
    """The channel's transport and menus as `cdht run` wires them, nothing received."""
    api = FakeTelegramAPI()
    await api.start()
    settings = settings_for(tmp_path / "data", api, **{"public_url": PUBLIC + "/", **overrides})
    channel = TelegramChannel(settings, cast(UnitOfWorkFactory, None), lambda: datetime.now(UTC))
    try:
        yield channel, api
    finally:
        await channel.close()
        await api.close()


async def send(
    channel: TelegramChannel, message: OutboundMessage, person: PersonRecord, chat: str = CHAT
) -> None:
    row = OutboxRecord(1, "telegram", chat, person.id, outbound_to_json(message), 0, "queued")
    await channel.transport.send(row, person)


def web_apps(api: FakeTelegramAPI, chat: str = CHAT) -> list[dict[str, Any]]:
    return [
        button
        for call in api.calls_to("sendMessage", chat)
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
        for button in row
        if "web_app" in button
    ]


async def test_an_officer_gets_a_web_app_button_and_the_mini_app_as_menu_button_once(tmp_path: Path) -> None:
    async with telegram(tmp_path) as (channel, api):
        await send(channel, PROGRESS, OFFICER)
        await send(channel, PROGRESS, OFFICER)
    assert (
        web_apps(api)
        == [{"text": "🖥 Mở bảng tiến độ", "web_app": {"url": PUBLIC + "/app/progress/DEMO-SH-X1"}}] * 2
    )
    [keyboard] = {str(c.params["reply_markup"]) for c in api.calls_to("sendMessage", CHAT)}
    assert "m|bieudo|DEMO-SH-X1" in keyboard  # the other buttons stay
    assert [c.params["menu_button"] for c in api.calls_to("setChatMenuButton")] == [APP_MENU]
    assert api.menu_buttons == {CHAT: APP_MENU}
    assert len(api.calls_to("setMyCommands")) == 1


async def test_a_village_head_keeps_the_default_menu_button(tmp_path: Path) -> None:
    async with telegram(tmp_path) as (channel, api):
        await send(channel, OutboundMessage("Chào anh"), HEAD)
    assert api.calls_to("setMyCommands") and not api.calls_to("setChatMenuButton")


@pytest.mark.parametrize("off", [{"miniapp": False}, {"public_url": None}])
async def test_without_the_mini_app_there_is_neither_button_nor_menu_button(
    tmp_path: Path, off: dict[str, Any]
) -> None:
    async with telegram(tmp_path, **off) as (channel, api):
        await send(channel, PROGRESS, OFFICER)
    assert not web_apps(api) and not api.calls_to("setChatMenuButton")
    [sent] = api.calls_to("sendMessage", CHAT)
    assert "m|bieudo|DEMO-SH-X1" in str(sent.params["reply_markup"])


async def test_a_refused_menu_button_loses_no_message_and_is_tried_again(tmp_path: Path) -> None:
    async with telegram(tmp_path) as (channel, api):
        api.fail_next("setChatMenuButton", 500)
        await send(channel, OutboundMessage("Một"), OFFICER)
        await send(channel, OutboundMessage("Hai"), OFFICER)
    assert api.texts(CHAT) == ["Một", "Hai"]
    assert [c.status for c in api.calls if c.method == "setChatMenuButton"] == [500, 200]


async def test_the_fake_refuses_web_app_urls_that_are_not_https_as_telegram_does(tmp_path: Path) -> None:
    """Telegram refuses a web_app button that is not HTTPS: the message fails for good, the menu button is
    not set, while a message without Mini App buttons still goes (the channel given an http base by hand)."""
    async with telegram(tmp_path) as (channel, api):
        channel.transport = TelegramTransport(
            channel.bot,
            ChatMenus(channel.bot, app_url="http://127.0.0.1:8081"),
            channel.files,
            app_url="http://127.0.0.1:8081",
        )
        with pytest.raises(PermanentFailure, match="Only HTTPS links are allowed"):
            await send(channel, PROGRESS, OFFICER)
        await send(channel, OutboundMessage("Không có nút"), OFFICER)
    [refused] = [c for c in api.calls if c.method == "sendMessage" and c.status == 400]
    assert refused.params["text"] == "📊 Tiến độ"
    assert [c.status for c in api.calls if c.method == "setChatMenuButton"] == [400, 400]
    assert api.menu_buttons == {} and api.texts(CHAT) == ["Không có nút"]


async def test_a_plain_http_public_url_gives_telegram_no_mini_app_buttons_and_loses_no_reply(
    tmp_path: Path,
) -> None:
    async with telegram(tmp_path, public_url="http://127.0.0.1:8081") as (channel, api):
        await send(channel, PROGRESS, OFFICER)
    assert api.texts(CHAT) == ["📊 Tiến độ"]
    assert not web_apps(api) and not api.calls_to("setChatMenuButton")


def test_web_app_buttons_are_left_out_outside_private_chats() -> None:
    """Telegram offers web_app buttons only in private chats between a person and the bot."""
    private = inline_keyboard(PROGRESS, app_url=PUBLIC)
    group = inline_keyboard(PROGRESS, app_url=PUBLIC, private=False)
    assert private is not None and group is not None
    assert [[b.web_app.url if b.web_app else None for b in row] for row in private.inline_keyboard] == [
        [None],
        [PUBLIC + "/app/progress/DEMO-SH-X1"],
    ]
    assert [[b.callback_data for b in row] for row in group.inline_keyboard] == [["m|bieudo|DEMO-SH-X1"]]
