"""The Mini App over real HTTP against the running bot: signing in, scope, CSRF, review actions and their audit,
and the headers every page carries."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from cdht.bot.web.security import COOKIE, OpenLinks
from tests.bot.web.miniapp_harness import PUBLIC_URL, QUANG, SECRET, THU, MiniAppUnderTest, running_miniapp
from tests.fakes.telegram_user import TelegramUser

pytestmark = pytest.mark.slow

VILLAGE = "DEMO-SH-X1-T1"  # Thôn Đông, answered with a photo
OTHER_VILLAGE = "DEMO-SH-X2-T1"  # Thôn Một of another commune


@pytest.fixture
async def miniapp(tmp_path: Path):
    async with running_miniapp(tmp_path) as under_test:
        yield under_test


async def audit_actions(app: MiniAppUnderTest, unit_code: str) -> list[tuple[str, str | None]]:
    async with app.bot.app.database.engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT a.action, a.reason FROM audit_log a JOIN units u ON u.id = a.unit_id "
                "WHERE u.code = :code ORDER BY a.id"
            ),
            {"code": unit_code},
        )
        return [(row[0], row[1]) for row in rows]


async def test_telegram_sign_in_sets_a_short_lived_protected_cookie(miniapp: MiniAppUnderTest) -> None:
    browser = miniapp.browser()
    status, _, response = await browser.post(
        "/app/session", {"init_data": miniapp.init_data(miniapp.officer)}
    )
    assert status == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite", "max-age", "path"} <= attributes
    assert "samesite=lax" in cookie.lower().replace(" ", "")
    assert "0901000001" not in cookie and "Thu" not in cookie  # nothing personal in the token


@pytest.mark.parametrize("case", ["forged", "expired", "other_bot", "unregistered", "missing"])
async def test_bad_init_data_gets_no_session(miniapp: MiniAppUnderTest, case: str) -> None:
    officer = miniapp.officer
    init_data = {
        "forged": miniapp.init_data(officer).replace("Thu", "Thi"),
        "expired": miniapp.init_data(officer, age=2 * 3600),
        "other_bot": miniapp.init_data(officer, token="999999:another-bots-token-aaaaaaaaaaaaaaa"),
        "unregistered": miniapp.init_data(TelegramUser(miniapp.bot.api, 9999, "Lạ", "0999999999")),
        "missing": "",
    }[case]
    browser = miniapp.browser()
    status, body, response = await browser.post("/app/session", {"init_data": init_data})
    assert status == 403
    assert "Set-Cookie" not in response.headers
    assert "error" in body
    status, page, _ = await browser.get("/app/progress")
    assert status == 401 and "An Bình" not in page and "launcher" in page


async def test_progress_shows_exactly_the_officers_scope(miniapp: MiniAppUnderTest) -> None:
    browser = await miniapp.signed_in()
    status, page, response = await browser.get("/app/progress")
    assert status == 200
    assert "Xã An Bình" in page and "Thôn Đông" in page and "Thôn Tây" in page
    assert "Hòa Lạc" not in page and "Thôn Một" not in page and "Huyện Sơn Hà" not in page
    assert "Content-Security-Policy" in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    for path in ("/app/progress/DEMO-SH", "/app/progress/DEMO-SH-X2", f"/app/review/{OTHER_VILLAGE}"):
        status, page, _ = await browser.get(path)
        assert status == 404, path
        assert "Hòa Lạc" not in page and "Thôn Một" not in page


async def test_district_drills_down_to_its_communes(miniapp: MiniAppUnderTest, tmp_path: Path) -> None:
    admin = miniapp.bot.user((7103, "Huyện", "0900000002"))
    await miniapp.bot.send(admin.text("/start"), admin.contact())
    browser = await miniapp.signed_in(admin)
    status, page, _ = await browser.get("/app/progress")
    assert status == 200
    assert "Xã An Bình" in page and "Xã Hòa Lạc" in page and "Xã Tân Phú" in page
    assert 'href="/app/progress/DEMO-SH-X1"' in page
    status, page, _ = await browser.get("/app/progress/DEMO-SH-X1")
    assert status == 200 and "Thôn Đông" in page and 'href="/app/progress/DEMO-SH"' in page
    status, _, _ = await browser.get("/app/progress/DEMO")  # above the district: not theirs
    assert status == 404


async def test_review_shows_answers_with_their_photos(miniapp: MiniAppUnderTest) -> None:
    browser = await miniapp.signed_in()
    status, page, _ = await browser.get(f"/app/review/{VILLAGE}")
    assert status == 200
    assert "Thôn Đông" in page and "Duyệt toàn bộ" in page
    images = [part.split('"')[0] for part in page.split(f'src="/app/review/{VILLAGE}/evidence/')[1:]]
    assert images, "no evidence photo on the page"
    status, _, response = await browser.get(f"/app/review/{VILLAGE}/evidence/{images[0]}")
    assert status == 200 and response.content_type == "image/jpeg"
    stranger = miniapp.browser()
    status, _, _ = await stranger.get(f"/app/review/{VILLAGE}/evidence/{images[0]}")
    assert status == 401


async def test_actions_need_the_sessions_csrf_token(miniapp: MiniAppUnderTest) -> None:
    browser = await miniapp.signed_in()
    for data in ({}, {"csrf": "not-the-token"}):
        status, _, _ = await browser.post(f"/app/review/{VILLAGE}/approve", data)
        assert status == 403
    other = await miniapp.signed_in()  # a second session of the same person has its own token
    token = await other.csrf(f"/app/review/{VILLAGE}")
    status, _, _ = await browser.post(f"/app/review/{VILLAGE}/approve", {"csrf": token})
    assert status == 403
    status, _, _ = await browser.post(
        f"/app/review/{VILLAGE}/approve",
        {"csrf": await browser.csrf(f"/app/review/{VILLAGE}")},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert status == 403
    assert all(action != "approve" for action, _ in await audit_actions(miniapp, VILLAGE))


async def test_approve_through_the_page_is_audited_and_told(miniapp: MiniAppUnderTest) -> None:
    browser = await miniapp.signed_in()
    token = await browser.csrf(f"/app/review/{VILLAGE}")
    status, _, response = await browser.post(f"/app/review/{VILLAGE}/approve", {"csrf": token})
    assert status == 303 and response.headers["Location"].endswith("?done=approved")
    assert ("approve", "Cán bộ xã duyệt số liệu") in await audit_actions(miniapp, VILLAGE)
    status, page, _ = await browser.get(f"/app/review/{VILLAGE}?done=approved")
    assert "đã duyệt" in page


async def test_return_with_a_reason_reopens_and_shows_in_the_log(miniapp: MiniAppUnderTest) -> None:
    browser = await miniapp.signed_in()
    token = await browser.csrf(f"/app/review/{VILLAGE}")
    status, page, _ = await browser.post(
        f"/app/review/{VILLAGE}/return", {"csrf": token, "reason": "chưa chọn câu"}
    )
    assert status == 422 and 'class="error"' in page
    assert all(action != "return" for action, _ in await audit_actions(miniapp, VILLAGE))
    status, _, _ = await browser.post(
        f"/app/review/{VILLAGE}/return",
        {"csrf": token, "q": "citizens", "reason": "Số công dân chưa khớp sổ hộ khẩu"},
    )
    assert status == 303
    reasons = [reason for _, reason in await audit_actions(miniapp, VILLAGE)]
    assert "Số công dân chưa khớp sổ hộ khẩu" in reasons
    status, page, _ = await browser.get(f"/app/review/{VILLAGE}")
    assert "Số công dân chưa khớp sổ hộ khẩu" in page and "đã trả lại" in page
    awaiting = page.split("Đang chờ thôn trả lời lại:")[1].split("</p>")[0]
    assert "công dân" in awaiting


async def test_another_commune_officer_cannot_act_on_this_village(miniapp: MiniAppUnderTest) -> None:
    quang = miniapp.bot.user(QUANG)
    await miniapp.bot.send(quang.text("/start"), quang.contact())
    browser = await miniapp.signed_in(quang)
    token = await browser.csrf("/app/review")
    status, _, _ = await browser.post(f"/app/review/{VILLAGE}/approve", {"csrf": token})
    assert status == 404
    assert all(action != "approve" for action, _ in await audit_actions(miniapp, VILLAGE))


async def test_a_deactivated_officer_is_refused_at_once(miniapp: MiniAppUnderTest) -> None:
    browser = await miniapp.signed_in()
    async with miniapp.bot.app.database.engine.begin() as connection:
        await connection.execute(text("UPDATE people SET active = false WHERE phone = '+84901000001'"))
    status, page, _ = await browser.get("/app/progress")
    assert status == 403 and "Thôn Đông" not in page


async def test_signed_link_opens_a_session_once_for_zalo_and_the_console(miniapp: MiniAppUnderTest) -> None:
    async with miniapp.bot.app.uow() as uow:
        person = await uow.people.by_phone("+84901000001")
    assert person is not None
    link = OpenLinks(PUBLIC_URL, SECRET.encode(), ttl_seconds=600).link(person.id, "zalo", "/app/review")
    token = link.url.split("?t=")[1]
    preview = miniapp.browser()  # what a chat app fetches for its link preview: no session, link not spent
    status, page, response = await preview.get(link.url.removeprefix(PUBLIC_URL))
    assert status == 200 and "Set-Cookie" not in response.headers and "data-auto-submit" in page
    assert "Thôn Đông" not in page and "Phan Thị Thu" not in page
    browser = miniapp.browser()
    status, _, response = await browser.post("/app/open", {"t": token})
    assert status == 303 and response.headers["Location"] == "/app/review"
    status, page, _ = await browser.get("/app/review")
    assert status == 200 and "Thôn Đông" in page
    forwarded = miniapp.browser()  # the same link, used again (forwarded to someone else)
    status, _, response = await forwarded.post("/app/open", {"t": token})
    assert status == 403 and "Set-Cookie" not in response.headers
    tampered = miniapp.browser()
    status, _, response = await tampered.post("/app/open", {"t": token[:-3] + "xyz"})
    assert status == 403 and "Set-Cookie" not in response.headers
    status, _, _ = await tampered.get(link.url.removeprefix(PUBLIC_URL)[:-3] + "xyz")
    assert status == 403


async def test_dossier_files_are_asked_for_and_only_the_asker_downloads(miniapp: MiniAppUnderTest) -> None:
    browser = await miniapp.signed_in()
    token = await browser.csrf("/app/dossier")
    status, page, _ = await browser.post("/app/dossier/DEMO-SH-X1", {"csrf": token, "format": "nonsense"})
    assert status == 422
    status, _, _ = await browser.post("/app/dossier/DEMO-SH-X1", {"csrf": token, "format": "xlsx"})
    assert status == 303
    await miniapp.bot.settle()
    status, page, _ = await browser.get("/app/dossier/DEMO-SH-X1")
    assert "/app/jobs/" in page, page[-2000:]
    job = page.split('href="/app/jobs/')[1].split("/")[0]
    status, _, response = await browser.get(f"/app/jobs/{job}/file")
    assert status == 200 and "attachment" in response.headers["Content-Disposition"]
    quang = miniapp.bot.user(QUANG)
    await miniapp.bot.send(quang.text("/start"), quang.contact())
    other = await miniapp.signed_in(quang)
    status, _, _ = await other.get(f"/app/jobs/{job}/file")
    assert status == 404


async def test_an_officer_opens_the_app_from_tiendo_and_the_menu_button(miniapp: MiniAppUnderTest) -> None:
    """The whole way in from Telegram: /tiendo's web_app button and the chat's menu button name HTTPS pages;
    the page asks for Telegram's signed data, and with it shows the officer's commune."""
    officer = miniapp.bot.user(THU)
    await miniapp.bot.send(officer.text("/tiendo"))
    urls = [
        button["web_app"]["url"]
        for message in miniapp.bot.api.chat_messages(officer.id)
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
        for button in row
        if "web_app" in button
    ]
    assert f"{PUBLIC_URL}/app/progress/DEMO-SH-X1" in urls
    menu = miniapp.bot.api.menu_buttons[str(officer.id)]
    assert menu["type"] == "web_app" and menu["web_app"]["url"] == f"{PUBLIC_URL}/app/progress"
    browser = miniapp.browser()
    path = urls[-1].removeprefix(PUBLIC_URL)  # as the TLS proxy forwards it
    status, page, _ = await browser.get(path)
    assert status == 401 and 'id="launcher"' in page and "Thôn Đông" not in page
    await browser.post("/app/session", {"init_data": miniapp.init_data(officer)})
    status, page, _ = await browser.get(path)
    assert status == 200 and "Thôn Đông" in page and "Hòa Lạc" not in page


async def test_the_chat_charts_are_images_of_the_units_in_scope(miniapp: MiniAppUnderTest) -> None:
    browser = await miniapp.signed_in()
    status, _, response = await browser.get("/app/chart/DEMO-SH-X1/1.png")
    assert status == 200 and response.content_type == "image/png"
    assert response.headers["Cache-Control"].startswith("private")
    for path in ("/app/chart/DEMO-SH-X2/1.png", "/app/chart/DEMO-SH-X1/3.png", f"/app/chart/{VILLAGE}/1.png"):
        status, _, _ = await browser.get(path)
        assert status == 404, path
