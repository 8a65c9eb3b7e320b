"""Signing in: Telegram's initData (posted by the launcher page from the URL Telegram opened), or a signed,
expiring link sent in chat (Zalo, the console). Either way the person must be registered and active; then a
short-lived session cookie carries them from page to page. Nothing personal travels in a URL."""

from __future__ import annotations

from aiohttp import web

from cdht.bot.web.rendering import page
from cdht.bot.web.security import clear_session_cookie, set_session_cookie
from cdht.bot.web.state import MiniApp, state_of
from cdht.bot.web.viewer import Refused, first, form_of, posted, viewer_of

TELEGRAM = "telegram"
NOT_REGISTERED = "Tài khoản Telegram này chưa đăng ký với bot, hoặc đã bị khoá. Xin mở bot và gõ /start."
# Telegram's initData is a few hundred bytes; decoding a 1 MiB form of escapes holds the loop ~0.1 s, and
# anyone may post here.
MAX_SIGN_IN_BODY = 16 * 1024


async def launcher(request: web.Request) -> web.Response:
    """Shown wherever there is no session: its script signs in with Telegram's data and reloads the page."""
    return await page(request, "launcher.html", status=401)


async def home(request: web.Request) -> web.Response:
    """`/app/`: the launcher until signed in, then the progress page (the launcher reloads the address it was
    opened at)."""
    await viewer_of(request)
    raise web.HTTPSeeOther("/app/progress")


async def telegram_session(request: web.Request) -> web.Response:
    state = state_of(request)
    if state.telegram_token is None:
        raise web.HTTPNotFound
    try:
        data = await posted(request, max_bytes=MAX_SIGN_IN_BODY)
    except Refused as refused:  # the launcher's script shows the reason
        return web.json_response({"ok": False, "error": refused.message}, status=refused.status)
    from cdht.bot.telegram.web_app import InitDataError, verify_init_data  # aiogram: loaded with Telegram

    init_data = first(data, "init_data")
    try:
        launch = verify_init_data(
            init_data,
            state.telegram_token,
            max_age_seconds=state.application.settings.miniapp_init_max_age_seconds,
            now=state.clock(),
        )
    except InitDataError as error:
        expired = error.reason == "expired"
        return _refused(
            "Phiên mở trang đã quá hạn. Xin đóng trang và mở lại từ bot."
            if expired
            else "Không xác minh được dữ liệu đăng nhập từ Telegram."
        )
    async with state.application.uow() as uow:
        person = await uow.people.by_identity(TELEGRAM, launch.user_id)
    if person is None or not person.active:
        return _refused(NOT_REGISTERED)
    response = web.json_response({"ok": True})
    _start_session(response, state, person.id, TELEGRAM)
    return response


EXPIRED = "Liên kết này đã hết hạn, đã được dùng, hoặc không đúng. Xin gõ /tiendo trong trò chuyện với bot để nhận liên kết mới."


async def open_link(request: web.Request) -> web.Response:
    """A link from chat asks to continue (the page's script does it at once); only that POST uses the link up,
    so a chat app fetching the address for its preview neither signs in nor spends it."""
    token = request.query.get("t", "")
    if state_of(request).links.read(token) is None:
        return await page(request, "message.html", status=403, title="Liên kết đã hết hạn", message=EXPIRED)
    return await page(request, "open_link.html", token=token)


async def use_link(request: web.Request) -> web.Response:
    state = state_of(request)
    data = await posted(request, max_bytes=MAX_SIGN_IN_BODY)
    token = first(data, "t")
    opened = state.links.read(token)
    if opened is None or not state.spend_link(token):
        return await page(request, "message.html", status=403, title="Liên kết đã hết hạn", message=EXPIRED)
    person_id, channel, path = opened
    async with state.application.uow() as uow:
        person = await uow.people.get(person_id)
    if person is None or not person.active:
        return await page(request, "message.html", status=403, title="Không mở được", message=NOT_REGISTERED)
    response = web.Response(status=303, headers={"Location": path})
    _start_session(response, state, person.id, channel)
    return response


async def sign_out(request: web.Request) -> web.Response:
    await form_of(request, await viewer_of(request))
    response = await page(
        request, "message.html", title="Đã đăng xuất", message="Đã đăng xuất. Mở lại từ bot khi cần."
    )
    clear_session_cookie(
        response,
        secure=state_of(request).secure_cookie,
        samesite=state_of(request).application.settings.miniapp_cookie_samesite,
    )
    return response


def _start_session(response: web.StreamResponse, state: MiniApp, person_id: int, channel: str) -> None:
    settings = state.application.settings
    set_session_cookie(
        response,
        state.sessions.issue(person_id, channel),
        secure=state.secure_cookie,
        samesite=settings.miniapp_cookie_samesite,
        max_age=int(settings.miniapp_session_minutes * 60),
    )


def _refused(message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=403)
