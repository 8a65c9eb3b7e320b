"""The console's way into the Mini App: /tiendo carries a signed link, served while the chat runs."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from cdht.bot.serving import pages_served
from cdht.config import Settings
from tests.bot.zalo.harness import free_port
from tests.support import YEAR, chat, console_clock, open_demo_app

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/app/open\?t=\S+)")


async def test_the_console_link_opens_the_officers_progress_page(tmp_path: Path) -> None:
    port = free_port()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path / "data",
        assessment_year=YEAR,
        public_url=f"http://127.0.0.1:{port}",
        http_port=port,
        miniapp_secret="console-link-secret-0123456789",
    )
    async with open_demo_app(settings) as application, pages_served(application):
        channel, _ = await chat(application, "+84901000001", console_clock())
        replies = await channel.send("/tiendo")
        links = [m.group(1) for reply in replies for m in [LINK.search(reply)] if m]
        assert links, replies
        async with aiohttp.ClientSession() as http:
            async with http.get(links[0]) as shown:  # the page that continues by itself (app.js)
                assert shown.status == 200 and "data-auto-submit" in await shown.text()
            token = links[0].split("?t=")[1]
            async with http.post(
                f"http://127.0.0.1:{port}/app/open", data={"t": token}, allow_redirects=False
            ) as opened:
                assert opened.status == 303
                assert opened.headers["Location"] == "/app/progress/DEMO-SH-X1"
                cookie = opened.cookies["cdht_app"].value
            async with http.get(
                f"http://127.0.0.1:{port}/app/progress/DEMO-SH-X1", headers={"Cookie": f"cdht_app={cookie}"}
            ) as page:
                body = await page.text()
        assert page.status == 200 and "Thôn Đông" in body and "Hòa Lạc" not in body
