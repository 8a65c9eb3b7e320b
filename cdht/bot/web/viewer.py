"""Who is asking: the session cookie read on every request, and the person it names loaded again, so that a
person deactivated a minute ago is refused now. Pages are for officers; scope is checked by each page."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from cdht.bot.web.security import COOKIE, SessionClaims
from cdht.bot.web.state import state_of
from cdht.handlers.command_table import OFFICERS, ROLE_NAMES
from cdht.handlers.ports import PersonRecord, UnitRecord

MAX_FORM_BODY = 64 * 1024  # a review's picks and a 500-character reason, with room to spare
RENEWED = "cdht_renewed_session"  # request key: a fresh token for the response's cookie (sliding expiry)


@dataclass(frozen=True)
class Viewer:
    person: PersonRecord
    unit: UnitRecord
    claims: SessionClaims
    csrf: str

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.person.role, self.person.role)


class NotSignedIn(Exception):
    """No valid session: the page answers with the launcher, which signs in from Telegram's data if it can."""


class Refused(Exception):
    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message, self.status = message, status


async def viewer_of(request: web.Request) -> Viewer:
    state = state_of(request)
    claims = state.sessions.read(request.cookies.get(COOKIE))
    if claims is None:
        raise NotSignedIn
    async with state.application.uow() as uow:
        person = await uow.people.get(claims.person_id)
        unit = await uow.units.get(person.unit_id) if person is not None else None
    if person is None or not person.active or unit is None:
        raise Refused("Tài khoản này không còn quyền dùng bot. Xin liên hệ cán bộ phụ trách.")
    if person.role not in OFFICERS:
        raise Refused(
            "Các trang này dành cho cán bộ xã, huyện, tỉnh. Trưởng thôn trả lời câu hỏi ngay trong trò chuyện với bot."
        )
    renewed = state.sessions.renewed(claims)
    if renewed is not None:
        request[RENEWED] = renewed
    return Viewer(person, unit, claims, state.sessions.csrf_token(claims))


async def posted(request: web.Request, *, max_bytes: int = MAX_FORM_BODY) -> dict[str, list[str]]:
    """A POST's text fields, read only when the browser says it comes from our pages (Sec-Fetch-Site, where
    it sends it) and the body is small: parsing a large form would hold the loop."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        raise Refused("Yêu cầu không đến từ trang của bot.", status=403)
    if request.content_length is None or request.content_length > max_bytes:
        raise Refused("Dữ liệu gửi lên quá lớn. Xin tải lại trang rồi làm lại.", status=413)
    form: dict[str, list[str]] = {}
    for key, value in (await request.post()).items():
        if isinstance(value, str):
            form.setdefault(key, []).append(value)
    return form


def first(form: dict[str, list[str]], key: str) -> str:
    return (form.get(key) or [""])[0]


async def form_of(request: web.Request, viewer: Viewer) -> dict[str, list[str]]:
    """A POSTed form (`posted`), after its CSRF token, bound to the session."""
    form = await posted(request)
    if not state_of(request).sessions.csrf_ok(viewer.claims, first(form, "csrf") or None):
        raise Refused("Trang đã cũ hoặc phiên đã đổi. Xin tải lại trang rồi làm lại.", status=403)
    return form
