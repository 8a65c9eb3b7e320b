"""The browser tests' own machinery, on a stand-in page and on a real `cdht run`: Chromium starts, shows a
Vietnamese page, takes full-page screenshots at a phone's and a desktop's width; a session cookie marked
Secure works over plain HTTP on localhost (the Mini App's tests reach the bot there, without TLS); the bot
process answers a person registering on Telegram."""

from __future__ import annotations

import html
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiohttp import web
from selenium import webdriver

from tests.browser import chromium
from tests.browser.bot_process import OFFICER_X1, BotProcess
from tests.browser.chromium import require_chromium, screenshot, start_chromium, wait_text
from tests.browser.loop_thread import LoopThread

ROWS = [f"Thôn số {n} — ✅ đã hoàn thành, chờ duyệt" for n in range(1, 61)]


async def _stand_in(request: web.Request) -> web.Response:
    language = html.escape(request.headers.get("Accept-Language", ""))
    rows = "".join(f"<li>{html.escape(row)}</li>" for row in ROWS)
    page = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Tiến độ</title></head><body><h1>Tiến độ năm 2025 — Xã An Bình</h1>"
        f'<p id="language">{language}</p><ul>{rows}</ul></body></html>'
    )
    return web.Response(text=page, content_type="text/html")


async def _set_cookie(request: web.Request) -> web.Response:
    response = web.Response(text="<p>Đã đặt cookie</p>", content_type="text/html")
    response.set_cookie("phien", "abc123", secure=True, httponly=True, samesite="Lax", path="/")
    return response


async def _echo_cookie(request: web.Request) -> web.Response:
    received = html.escape(request.cookies.get("phien", "không có"))
    return web.Response(text=f"<p>Cookie nhận được: {received}</p>", content_type="text/html")


@pytest.fixture
def stand_in(loop_thread: LoopThread) -> Iterator[int]:
    """The stand-in pages on 127.0.0.1 (a port of their own), served from the loop thread."""
    app = web.Application()
    app.router.add_get("/", _stand_in)
    app.router.add_get("/set", _set_cookie)
    app.router.add_get("/echo", _echo_cookie)
    runner = web.AppRunner(app, access_log=None)

    async def start() -> int:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]

    port = loop_thread.run(start())
    try:
        yield port
    finally:
        loop_thread.run(runner.cleanup())


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_chromium_shows_a_vietnamese_page_and_screenshots_it_whole(
    browser: webdriver.Chrome, stand_in: int
) -> None:
    browser.get(f"http://127.0.0.1:{stand_in}/")
    text = wait_text(browser, "Tiến độ năm 2025 — Xã An Bình")
    assert ROWS[-1] in text
    assert browser.find_element("id", "language").text.startswith("vi")  # --lang=vi reaches Accept-Language
    phone, desktop = screenshot(browser, "smoke-stand-in")
    assert phone.name == "smoke-stand-in-360.png" and desktop.name == "smoke-stand-in-1280.png"
    phone_width, phone_height = _png_size(phone)
    desktop_width, desktop_height = _png_size(desktop)
    assert (phone_width, desktop_width) == (360, 1280)
    assert 1000 < desktop_height <= phone_height <= 4000  # the whole list, not the first 800 px
    assert browser.execute_script("return window.innerWidth") == 1280  # emulation undone after the shots
    with pytest.raises(AssertionError, match="did not appear"):
        wait_text(browser, "Xã Hòa Lạc", timeout=0.3)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_a_secure_cookie_set_over_plain_http_comes_back(
    browser: webdriver.Chrome, stand_in: int, host: str
) -> None:
    browser.get(f"http://{host}:{stand_in}/set")
    wait_text(browser, "Đã đặt cookie")
    browser.get(f"http://{host}:{stand_in}/echo")
    assert "Cookie nhận được: abc123" in wait_text(browser, "Cookie nhận được")


def test_but_not_over_plain_http_to_a_name_that_is_not_the_machine_itself(stand_in: int) -> None:
    """The control: the same server under another name (resolved to 127.0.0.1 by Chromium itself)."""
    require_chromium()
    driver = start_chromium("--host-resolver-rules=MAP cdht.test 127.0.0.1")
    try:
        driver.get(f"http://cdht.test:{stand_in}/set")
        wait_text(driver, "Đã đặt cookie")
        driver.get(f"http://cdht.test:{stand_in}/echo")
        assert "Cookie nhận được: không có" in wait_text(driver, "Cookie nhận được")
    finally:
        driver.quit()


def test_the_bot_process_welcomes_a_commune_officer_who_shares_their_contact(
    start_bot: Callable[..., BotProcess],
) -> None:
    bot = start_bot(miniapp="false")  # the process harness alone, whatever state the Mini App's pages are in
    thu = bot.register(OFFICER_X1)
    assert any(text.startswith("Xin chào Phan Thị Thu") for text in bot.texts(thu)), bot.texts(thu)
    assert bot.process is not None and bot.process.alive


def test_without_chromium_browser_tests_are_skipped_but_fail_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chromium, "CHROMEDRIVER", Path("/nonexistent/chromedriver"))
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="chromedriver missing"):
        require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but /nonexistent/chromedriver missing"):
        require_chromium()
