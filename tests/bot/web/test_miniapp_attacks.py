"""The Mini App attacked over real HTTP: odd record numbers, oversized bodies and reasons, a handler that fails;
each answer is a refusal carrying the /app headers, never a crash, a stall of the event loop or a stored surprise."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from cdht.bot.web.security import CONTENT_SECURITY_POLICY, security_headers
from tests.bot.web.miniapp_harness import MiniAppUnderTest, running_miniapp

pytestmark = pytest.mark.slow

VILLAGE = "DEMO-SH-X1-T1"
# Just under the server's 1 MiB body limit, all percent escapes: decoding it holds the event loop ~0.1 s.
ESCAPED_PADDING = "pad=" + "%41" * 340_000


@pytest.fixture
async def miniapp(tmp_path: Path) -> AsyncIterator[MiniAppUnderTest]:
    async with running_miniapp(tmp_path) as under_test:
        yield under_test


async def audit_actions(app: MiniAppUnderTest, unit_code: str) -> list[str]:
    async with app.bot.app.database.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT a.action FROM audit_log a JOIN units u ON u.id = a.unit_id WHERE u.code = :code"),
            {"code": unit_code},
        )
        return [row[0] for row in rows]


@pytest.mark.parametrize(
    "path",
    [
        "/app/jobs/%C2%B2/file",  # «²»: a digit to str.isdigit, not to int()
        "/app/jobs/99999999999999999999999999/file",  # beyond any database integer
        f"/app/review/{VILLAGE}/evidence/%C2%B2",
        f"/app/review/{VILLAGE}/evidence/99999999999999999999999999",
    ],
)
async def test_an_odd_record_number_is_not_found_rather_than_a_crash(
    miniapp: MiniAppUnderTest, path: str
) -> None:
    browser = await miniapp.signed_in()
    status, _, response = await browser.get(path)
    assert status == 404
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


async def failing(request: web.Request) -> web.Response:
    raise RuntimeError("người dùng 0901000001")


async def test_an_unexpected_error_is_a_protected_500_that_tells_nothing() -> None:
    app = web.Application(middlewares=[security_headers])
    app.router.add_get("/app/failing", failing)
    async with TestClient(TestServer(app)) as client, client.get("/app/failing") as response:
        assert response.status == 500
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["Cache-Control"] == "no-store"
        assert "0901000001" not in await response.text()


async def test_an_oversized_sign_in_body_is_refused_before_it_is_read(miniapp: MiniAppUnderTest) -> None:
    browser = miniapp.browser()
    status, _, response = await browser.post(
        "/app/session",
        data=f"init_data={quote(miniapp.init_data(miniapp.officer), safe='')}&{ESCAPED_PADDING}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 413
    assert "Set-Cookie" not in response.headers


async def test_an_oversized_form_is_refused_before_it_is_read(miniapp: MiniAppUnderTest) -> None:
    browser = await miniapp.signed_in()
    token = await browser.csrf(f"/app/review/{VILLAGE}")
    status, _, _ = await browser.post(
        f"/app/review/{VILLAGE}/approve",
        data=f"csrf={token}&{ESCAPED_PADDING}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 413
    assert "approve" not in await audit_actions(miniapp, VILLAGE)


async def test_a_return_reason_longer_than_the_form_allows_is_refused(miniapp: MiniAppUnderTest) -> None:
    """The text area stops at 500 characters; a hand-made post must not store (and send the village head) more."""
    browser = await miniapp.signed_in()
    token = await browser.csrf(f"/app/review/{VILLAGE}")
    status, page, _ = await browser.post(
        f"/app/review/{VILLAGE}/return", {"csrf": token, "q": "citizens", "reason": "sai " * 5000}
    )
    assert status == 422 and 'class="error"' in page
    assert "return" not in await audit_actions(miniapp, VILLAGE)
    assert "reopen" not in await audit_actions(miniapp, VILLAGE)


async def test_the_app_root_leads_a_signed_in_officer_on_instead_of_asking_again(
    miniapp: MiniAppUnderTest,
) -> None:
    """Opened at `/app/` (a bot's main Mini App address), the launcher signs in and reloads the same address:
    that must not show the launcher again, which would say to open the page from the bot."""
    status, page, _ = await miniapp.browser().get("/app/")
    assert status == 401 and 'id="launcher"' in page
    browser = await miniapp.signed_in()
    status, _, response = await browser.get("/app/")
    assert status == 303 and response.headers["Location"] == "/app/progress"


async def test_an_evidence_number_opens_only_under_the_unit_it_belongs_to(miniapp: MiniAppUnderTest) -> None:
    browser = await miniapp.signed_in()
    _, page, _ = await browser.get(f"/app/review/{VILLAGE}")
    number = page.split(f'src="/app/review/{VILLAGE}/evidence/')[1].split('"')[0]
    status, _, _ = await browser.get(f"/app/review/{VILLAGE}/evidence/{number}")
    assert status == 200
    for unit in ("DEMO-SH-X1-T2", "DEMO-SH-X1"):  # a sister village, the commune above
        status, _, _ = await browser.get(f"/app/review/{unit}/evidence/{number}")
        assert status == 404, unit
