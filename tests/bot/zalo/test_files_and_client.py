"""Signed file links over real HTTP, the number memory of a chat, and our Zalo client against the fake API."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from aiohttp import web

from cdht.bot.files_server import FileLinks, add_file_routes
from cdht.bot.zalo import numbered_choices
from cdht.bot.zalo.client import ZaloAPIError, ZaloBotClient, ZaloNetworkError
from cdht.bot.zalo.render import render
from cdht.conversations.inbound import Choice, Command
from cdht.conversations.outbound import Button, FileRef, OutboundMessage
from cdht.handlers.wire import inbound_from_json
from cdht.storage.folder_files import FolderFileStore
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.bot.zalo.harness import free_port
from tests.fakes.clock import FakeClock
from tests.fakes.zalo_api import TOKEN, FakeZaloAPI, ZaloUser

SECRET = b"0123456789abcdef-test"


Served = tuple[FileLinks, FakeClock, FileRef, FileRef]


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    """A chart (an export) and a photo (evidence, whose name people gave has no extension) in the store."""
    files = FolderFileStore(tmp_path / "data" / "evidence", tmp_path / "data" / "exports")
    chart = FileRef(files.put_bytes(b"\x89PNG\r\n\x1a\n chart", export=True), "3-bieu do.png")
    photo = FileRef(files.put_bytes(b"\xff\xd8\xff\xe0 photo"), "anh")
    port = free_port()
    clock = FakeClock()
    links = FileLinks(f"http://127.0.0.1:{port}/", SECRET, ttl_seconds=3600, clock=clock.timestamp)
    app = web.Application()
    add_file_routes(app, links, files)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield links, clock, chart, photo
    finally:
        await runner.cleanup()


async def test_signed_links_serve_only_their_file_until_they_expire(served: Served) -> None:
    links, clock, stored_chart, stored_photo = served
    chart = links.link(stored_chart)
    photo = links.link(stored_photo)
    assert chart.expires_at == datetime.fromtimestamp(clock.timestamp() + 3600, UTC)
    async with httpx.AsyncClient() as http:
        got = await http.get(chart.url)
        assert got.status_code == 200 and got.content.startswith(b"\x89PNG")
        assert got.headers["content-type"] == "image/png"
        assert got.headers["content-disposition"] == "inline; filename*=UTF-8''3-bieu%20do.png"
        got = await http.get(photo.url)  # stored by hash, no extension: the type comes from the content
        assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"

        parts = urlsplit(chart.url)
        base = f"{parts.scheme}://{parts.netloc}"
        other = (
            await http.get(f"{base}/files/{stored_photo.sha256}/3-bieu%20do.png?{parts.query}")
        ).status_code
        tampered = (
            await http.get(chart.url[:-2] + ("AA" if not chart.url.endswith("AA") else "BB"))
        ).status_code
        renamed = (await http.get(f"{base}/files/{stored_chart.sha256}/x.png?{parts.query}")).status_code
        assert (other, tampered, renamed) == (403, 403, 403)
        route = "/files/../cdht.sqlite3"
        assert not links.verify("..", "cdht.sqlite3", "9999999999", links._sign(route, 9999999999))
        gone = FileRef("0" * 64, "gone.png")  # signed, but not in the store
        assert (await http.get(links.link(gone).url)).status_code == 404
        unsigned = f"{base}/files/{stored_chart.sha256}/3-bieu%20do.png"
        assert (await http.get(unsigned)).status_code == 403
        clock.advance(3601)
        assert (await http.get(chart.url)).status_code == 403  # expired


async def test_a_typed_number_or_option_text_is_read_against_the_last_message(
    sqlite_uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    now = datetime(2025, 11, 20, tzinfo=UTC)
    asked = OutboundMessage(
        "Hồ sơ:",
        ((Button("Bảng tổng hợp (XLSX)", Command("xuat", "xlsx:X1")),), (Button("Có", Choice("q", "y")),)),
    )
    async with sqlite_uow_factory() as uow:
        await numbered_choices.remember(uow, "chat-1", render(asked), now)
        await uow.commit()
    async with sqlite_uow_factory() as uow:  # another transaction, as after a restart
        picks = {
            t: await numbered_choices.resolve(uow, "chat-1", t) for t in ("1", "số 2", "2.", "co", "9", "250")
        }
        other_chat = await numbered_choices.resolve(uow, "chat-2", "1")
    assert inbound_from_json(picks["1"] or {}) == Command("xuat", "xlsx:X1")
    assert inbound_from_json(picks["số 2"] or {}) == Choice("q", "y") == inbound_from_json(picks["2."] or {})
    assert inbound_from_json(picks["co"] or {}) == Choice("q", "y")
    assert picks["9"] is None and picks["250"] is None and other_chat is None
    async with sqlite_uow_factory() as uow:  # a message without options: numbers are plain answers again
        await numbered_choices.remember(uow, "chat-1", render(OutboundMessage("Câu 2 · Bao nhiêu hộ?")), now)
        await uow.commit()
        assert await numbered_choices.resolve(uow, "chat-1", "1") is None


@pytest.fixture
async def api() -> AsyncIterator[FakeZaloAPI]:
    fake = FakeZaloAPI()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


async def test_the_client_speaks_the_bot_api_and_never_shows_the_token(api: FakeZaloAPI) -> None:
    client = ZaloBotClient(TOKEN, api.base_url + "/")
    try:
        assert (await client.get_me()).account_name == "Trợ lý CĐHT"
        assert await client.get_updates(1) == []  # 408: nothing came
        person = ZaloUser(api, "u-9", "Chị Hoa", "0902000008")
        await api.push(person.text("xin chào"))
        [update] = await client.get_updates(1)
        assert update.message is not None and update.message.text == "xin chào"
        assert api.calls_to("getUpdates")[-1].params == {"timeout": "1"}
        await api.push({"message": person.text("no event name")["message"]})
        assert await client.get_updates(1) == []  # not an update: skipped (and logged), not raised
        with pytest.raises(ZaloAPIError) as refused:
            await client.set_webhook("https://bot.example.vn/zalo/webhook", "short")
        assert refused.value.code == 400
        await client.set_webhook("https://bot.example.vn/zalo/webhook", "long-enough-secret")
        assert (await client.get_webhook_info()).url == "https://bot.example.vn/zalo/webhook"
        with pytest.raises(ZaloAPIError) as conflict:
            await client.get_updates(1)
        assert conflict.value.code == 409
        await client.delete_webhook()
        assert (await client.send_message("u-9", "Xin chào")).message_id
        with pytest.raises(ValueError, match="2000"):
            await client.send_message("u-9", "x" * 2001)
        api.fail_next("sendMessage", 403)
        with pytest.raises(ZaloAPIError) as failed:
            await client.send_message("u-9", "Xin chào")
        assert failed.value.code == 403 and TOKEN not in str(failed.value)
        assert failed.value.description == "Internal server error"  # Zalo's name for 403
        photo = api.add_photo(b"\xff\xd8\xff" + b"x" * 100)
        assert await client.download(photo, max_bytes=1000) == b"\xff\xd8\xff" + b"x" * 100
        assert len(await client.download(photo, max_bytes=10) or b"") == 11  # cut: the caller refuses it
        api.expire_photo(photo)
        assert await client.download(photo, max_bytes=1000) is None
        assert await client.download("file:///etc/passwd", max_bytes=1000) is None
        await client.send_chat_action("u-9")
        assert (await client.send_sticker("u-9", "abc")).message_id
    finally:
        await client.aclose()
    wrong = ZaloBotClient("1:wrong", api.base_url)
    closed = socket.socket()  # bound, never listening: a connection is refused, and no one else can take it
    closed.bind(("127.0.0.1", 0))
    away = ZaloBotClient(TOKEN, f"http://127.0.0.1:{closed.getsockname()[1]}")
    try:
        with pytest.raises(ZaloAPIError) as unauthorized:
            await wrong.get_me()
        assert unauthorized.value.code == 401
        with pytest.raises(ZaloNetworkError) as unreachable:
            await away.get_me()
        assert TOKEN not in str(unreachable.value)
    finally:
        closed.close()
        await wrong.aclose()
        await away.aclose()
