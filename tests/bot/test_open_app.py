"""Mini App pages offered from chat: the neutral OpenApp button through the outbox's JSON, as numbered-free
lines with a signed link on Zalo and the console, and on the officers' messages only when the Mini App is on."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from cdht.bot.app_links import app_link_lines
from cdht.bot.console.channel import LocalFileFetcher
from cdht.bot.numbered import number_buttons
from cdht.bot.web.security import OpenLinks
from cdht.bot.zalo.client import ZaloBotClient
from cdht.bot.zalo.render import render
from cdht.bot.zalo.transport import ZaloTransport
from cdht.config import Settings
from cdht.conversations.inbound import Choice, Command
from cdht.conversations.outbound import Button, OpenApp, OutboundMessage
from cdht.handlers.officer.menu_commands import run_command
from cdht.handlers.ports import OutboxRecord, PersonRecord
from cdht.handlers.wire import WireError, outbound_from_json, outbound_to_json
from tests.fakes.clock import FakeClock
from tests.fakes.zalo_api import TOKEN as ZALO_TOKEN
from tests.fakes.zalo_api import FakeZaloAPI
from tests.support import YEAR, chat, console_clock, demo_app, open_demo_app

PUBLIC = "https://cdht.example.vn"
SECRET = b"mini-app-test-secret-0123456789"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
OFFICER_X1 = "+84901000001"
PROGRESS = Button("🖥 Mở bảng tiến độ", OpenApp("progress", "DEMO-SH-X1"))
MESSAGE = OutboundMessage(
    "📊 Tiến độ",
    buttons=(
        (Button("🔎 Thôn Đông", Command("tiendo", "DEMO-SH-X1-T1")),),
        (Button("Có", Choice("q", "yes")),),
        (PROGRESS,),
    ),
)


def miniapp_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "assessment_year": YEAR,
        "public_url": PUBLIC + "/",
        "miniapp_secret": SECRET.decode(),
        **overrides,
    }
    return Settings(_env_file=None, **values)


def token_of(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC and parts.path == "/app/open"
    [token] = parse_qs(parts.query)["t"]
    return token


def test_the_page_path_quotes_the_unit_code() -> None:
    assert OpenApp("progress").path == "/app/progress"
    assert OpenApp("review", "DEMO-SH-X1").path == "/app/review/DEMO-SH-X1"
    assert OpenApp("dossier", "A/B ?x").path == "/app/dossier/A%2FB%20%3Fx"
    with pytest.raises(ValueError):
        OpenApp("admin", "X")  # type: ignore[arg-type]


def test_open_app_buttons_survive_the_outbox_json() -> None:
    message = dataclasses.replace(MESSAGE, buttons=(*MESSAGE.buttons, (Button("Mine", OpenApp("review")),)))
    assert outbound_from_json(outbound_to_json(message)) == message
    broken = outbound_to_json(OutboundMessage("?", buttons=((PROGRESS,),)))
    broken["buttons"][0][0]["action"]["page"] = "admin"
    with pytest.raises(WireError):
        outbound_from_json(broken)


def test_zalo_and_the_console_never_number_a_mini_app_page() -> None:
    zalo = render(MESSAGE, link_lines=("🖥 Mở bảng tiến độ: https://x",))
    assert set(zalo.numbered) == {"1", "2"} and "👉 Gõ số (1–2)" in zalo.texts[0]
    assert "🖥 Mở bảng tiến độ: https://x" in zalo.texts[0]
    assert "3️⃣" not in zalo.texts[0]
    console = number_buttons(MESSAGE, link_lines=("🖥 Mở bảng tiến độ: https://x",))
    assert list(console.actions.values()) == [Choice("q", "yes")]
    assert console.text.count("🖥 Mở bảng tiến độ") == 1  # the link line, not an option


def test_a_link_signs_in_the_recipient_at_that_page_until_it_expires() -> None:
    clock = FakeClock(datetime(2025, 11, 20, 3, 0, tzinfo=UTC))
    links = OpenLinks(PUBLIC, SECRET, ttl_seconds=15 * 60, clock=lambda: clock.timestamp())
    lines = app_link_lines(MESSAGE, links, 42, "zalo", ZONE)
    assert lines[0] == "" and lines[1].startswith("🖥 Mở bảng tiến độ: ")
    assert lines[2] == "(Liên kết dùng một lần, đến 10:15 ngày 20/11/2025.)"
    token = token_of(lines[1].split(": ", 1)[1])
    assert links.read(token) == (42, "zalo", "/app/progress/DEMO-SH-X1")
    assert app_link_lines(MESSAGE, links, None, "zalo", ZONE) == ()  # an unknown chat: no link
    assert app_link_lines(MESSAGE, None, 42, "zalo", ZONE) == ()  # the Mini App is off


async def test_zalo_sends_the_link_for_the_person_it_goes_to(tmp_path: Path) -> None:
    api = FakeZaloAPI()
    await api.start()
    client = ZaloBotClient(ZALO_TOKEN, api.base_url)
    links = OpenLinks(PUBLIC, SECRET, ttl_seconds=900)
    try:
        async with demo_app(tmp_path) as app:
            async with app.uow() as uow:
                officer = await uow.people.by_phone(OFFICER_X1)
            assert officer is not None
            message = OutboundMessage("📊 Tiến độ", buttons=((PROGRESS,),))
            row = OutboxRecord(1, "zalo", "chat-1", officer.id, outbound_to_json(message), 0, "queued")
            on = ZaloTransport(client, app.uow, None, lambda: datetime.now(UTC), app.files, app_links=links)
            off = ZaloTransport(client, app.uow, None, lambda: datetime.now(UTC), app.files)
            await on.send(row, officer)
            await on.send(row, None)  # who the chat is, is not known: nobody to sign in
            await off.send(row, officer)
    finally:
        await client.aclose()
        await api.close()
    signed, unknown, without = api.texts("chat-1")
    [line] = [line for line in signed.splitlines() if line.startswith("🖥 Mở bảng tiến độ: ")]
    assert links.read(token_of(line.split(": ", 1)[1])) == (officer.id, "zalo", "/app/progress/DEMO-SH-X1")
    assert "(Liên kết dùng một lần, đến " in signed
    assert unknown == without == "📊 Tiến độ"


async def test_the_console_shows_links_to_progress_and_review_when_the_mini_app_is_on(tmp_path: Path) -> None:
    clock = console_clock()
    links = OpenLinks(PUBLIC, SECRET, ttl_seconds=900)
    async with open_demo_app(miniapp_settings(tmp_path)) as app:
        officer, _ = await chat(app, OFFICER_X1, clock)
        progress = "\n".join(await officer.send("/tiendo"))
        review = "\n".join(await officer.send("/duyet"))
        async with app.uow() as uow:
            person = await uow.people.by_phone(OFFICER_X1)
    assert person is not None
    for text, label, path in (
        (progress, "🖥 Mở bảng tiến độ", "/app/progress/DEMO-SH-X1"),
        (review, "🖥 Duyệt trên bảng", "/app/review/DEMO-SH-X1"),
    ):
        [line] = [line for line in text.splitlines() if line.startswith(f"{label}: ")]
        assert links.read(token_of(line.split(": ", 1)[1])) == (person.id, "console", path)
        assert "(Liên kết dùng một lần, đến " in text


async def test_the_console_shows_no_link_when_the_mini_app_is_off(tmp_path: Path) -> None:
    clock = console_clock()
    async with open_demo_app(miniapp_settings(tmp_path, miniapp=False)) as app:
        officer, _ = await chat(app, OFFICER_X1, clock)
        text = "\n".join(await officer.send("/tiendo") + await officer.send("/duyet"))
    assert "Tiến độ năm 2025" in text and "🖥" not in text and "/app/" not in text


def app_buttons(messages: list[OutboundMessage]) -> list[tuple[str, str]]:
    return [
        (button.label, button.action.path)
        for message in messages
        for row in message.buttons
        for button in row
        if isinstance(button.action, OpenApp)
    ]


@pytest.mark.parametrize("miniapp", [True, False])
async def test_officer_messages_carry_the_mini_app_only_when_it_is_served(
    tmp_path: Path, miniapp: bool
) -> None:
    now = datetime(2025, 11, 20, 3, 0, tzinfo=UTC)
    async with demo_app(tmp_path) as app:
        services = dataclasses.replace(app.services(LocalFileFetcher(), today=now.date()), miniapp=miniapp)
        async with app.uow() as uow:
            officer = await uow.people.by_phone(OFFICER_X1)
            assert isinstance(officer, PersonRecord)

            async def run(name: str, arg: str | None = None) -> list[tuple[str, str]]:
                assert officer is not None
                replies = await run_command(
                    uow, officer, Command(name, arg), now, services, channel="console"
                )
                return app_buttons(replies)

            found = {
                "tiendo": await run("tiendo"),
                "duyet": await run("duyet"),
                "village": await run("duyet", "DEMO-SH-X1-T1"),
                "baocao": await run("baocao"),
            }
    if not miniapp:
        assert found == {"tiendo": [], "duyet": [], "village": [], "baocao": []}
        return
    assert found == {
        "tiendo": [("🖥 Mở bảng tiến độ", "/app/progress/DEMO-SH-X1")],
        "duyet": [("🖥 Duyệt trên bảng", "/app/review/DEMO-SH-X1")],
        "village": [("🖥 Duyệt trên bảng", "/app/review/DEMO-SH-X1-T1")],
        "baocao": [("🖥 Mở hồ sơ trên bảng", "/app/dossier/DEMO-SH-X1")],
    }


def test_the_services_offer_the_mini_app_only_with_a_public_url(tmp_path: Path) -> None:
    from cdht.bot.composition import miniapp_url

    assert miniapp_url(miniapp_settings(tmp_path)) == PUBLIC
    assert miniapp_url(miniapp_settings(tmp_path, miniapp=False)) is None
    assert miniapp_url(miniapp_settings(tmp_path, public_url=None)) is None
