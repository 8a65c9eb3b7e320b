"""The Mini App under test: the Telegram bot (`tests/bot/telegram/harness.py`) with its HTTP server on a free local
port behind a public HTTPS address, a village's answers with a photo, the commune officer registered on Telegram,
and an HTTP client that keeps the session cookie by hand (a `Secure` cookie over http://127.0.0.1, as a TLS proxy
would forward it)."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from cdht.bot.web.security import COOKIE
from tests.bot.telegram.harness import TelegramBotUnderTest, running_bot
from tests.bot.zalo.harness import free_port
from tests.fakes.telegram_api import TOKEN
from tests.fakes.telegram_user import TelegramUser
from tests.fakes.telegram_web_app import sign_init_data
from tests.support import answer_everything, chat, console_clock, make_photo

PUBLIC_URL = "https://cdht.test"
SECRET = "mini-app-test-secret-0123456789abcdef"
THU = (7101, "Thu", "0901000001")  # Phan Thị Thu, cán bộ xã An Bình (DEMO-SH-X1)
QUANG = (7102, "Quang", "0901000002")  # Võ Văn Quang, cán bộ xã Hòa Lạc (DEMO-SH-X2)
AN_PHONE = "+84902000001"  # trưởng thôn Thôn Đông (DEMO-SH-X1-T1)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Browser:
    """An HTTP client holding one person's session cookie."""

    base: str
    http: aiohttp.ClientSession
    cookie: str | None = None
    last: dict[str, Any] = field(default_factory=dict)

    async def request(self, method: str, path: str, **kwargs: Any) -> tuple[int, str, aiohttp.ClientResponse]:
        headers = dict(kwargs.pop("headers", {}))
        if self.cookie:
            headers["Cookie"] = f"{COOKIE}={self.cookie}"
        async with self.http.request(
            method, self.base + path, headers=headers, allow_redirects=False, **kwargs
        ) as response:
            body = await response.read()
            morsel = response.cookies.get(COOKIE)
            if morsel is not None:
                self.cookie = morsel.value or None
            text = body.decode("utf-8", "replace") if not response.content_type.startswith("image/") else ""
            return response.status, text, response

    async def get(self, path: str) -> tuple[int, str, aiohttp.ClientResponse]:
        return await self.request("GET", path)

    async def post(self, path: str, data: Any, **kwargs: Any) -> tuple[int, str, aiohttp.ClientResponse]:
        return await self.request("POST", path, data=data, **kwargs)

    async def csrf(self, path: str) -> str:
        status, html, _ = await self.get(path)
        assert status == 200, (status, html[:300])
        found = CSRF.search(html)
        assert found is not None, html[:500]
        return found.group(1)


@dataclass
class MiniAppUnderTest:
    bot: TelegramBotUnderTest
    officer: TelegramUser
    http: aiohttp.ClientSession
    base: str

    def browser(self) -> Browser:
        return Browser(self.base, self.http)

    def init_data(self, user: TelegramUser, *, token: str = TOKEN, age: float = 0.0) -> str:
        return sign_init_data(
            token,
            {"id": user.id, "first_name": user.first_name, "language_code": "vi"},
            auth_date=int(time.time() - age),
        )

    async def signed_in(self, user: TelegramUser | None = None) -> Browser:
        browser = self.browser()
        status, body, _ = await browser.post(
            "/app/session", {"init_data": self.init_data(user or self.officer)}
        )
        assert status == 200, body
        assert browser.cookie
        return browser


@asynccontextmanager
async def running_miniapp(tmp_path: Path, **overrides: Any) -> AsyncIterator[MiniAppUnderTest]:
    port = free_port()
    settings = {
        "public_url": PUBLIC_URL,
        "http_host": "127.0.0.1",
        "http_port": port,
        "miniapp_secret": SECRET,
        **overrides,
    }
    async with running_bot(tmp_path, **settings) as bot:
        clock = console_clock()
        channel, _ = await chat(bot.app, AN_PHONE, clock)
        await answer_everything(bot.app, channel, AN_PHONE, make_photo(tmp_path))
        officer = bot.user(THU)
        await bot.send(officer.text("/start"), officer.contact())
        async with aiohttp.ClientSession() as http:
            yield MiniAppUnderTest(bot, officer, http, f"http://127.0.0.1:{port}")
