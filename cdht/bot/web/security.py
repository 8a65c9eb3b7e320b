"""The Mini App's signed tokens, session cookie and response headers.

A session token and a link token are `<payload>.<mac>`, both base64url: the payload is a small JSON array
(ids, expiry, a nonce or a path; never a name or a phone number) and the mac is HMAC-SHA256 over the encoded
payload with a key derived from the Mini App secret under a label of its own, so neither token passes as the
other and a CSRF token is no session token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

import structlog
from aiohttp import web

from cdht.bot.files_server import SignedLink

if TYPE_CHECKING:
    from cdht.config import Settings

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "COOKIE",
    "ConfigurationError",
    "OpenLinks",
    "SessionClaims",
    "Sessions",
    "clear_session_cookie",
    "miniapp_secret",
    "security_headers",
    "set_session_cookie",
]

COOKIE = "cdht_app"
COOKIE_PATH = "/app"
OPEN_PATH = "/app/open"
MIN_SECRET_BYTES = 16
MAX_TOKEN_CHARS = 1024

_DERIVE_LABEL = b"cdht-miniapp-secret-v1"
_SESSION_LABEL = b"cdht-miniapp-session-v1"
_CSRF_LABEL = b"cdht-miniapp-csrf-v1"
_LINK_LABEL = b"cdht-miniapp-link-v1"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_CHANNEL = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_SAMESITE = ("Lax", "Strict", "None")
SERVER_ERROR = "Máy chủ gặp lỗi. Xin thử lại sau ít phút."

log = structlog.get_logger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self' https://web.telegram.org"
)


class ConfigurationError(ValueError):
    pass


def miniapp_secret(settings: Settings) -> bytes:
    """CDHT_MINIAPP_SECRET, else a key derived from the file-link secret or a bot token."""
    if settings.miniapp_secret is not None:
        secret = settings.miniapp_secret.get_secret_value().encode()
        if len(secret) < MIN_SECRET_BYTES:
            raise ConfigurationError(f"CDHT_MINIAPP_SECRET cần ít nhất {MIN_SECRET_BYTES} ký tự.")
        return secret
    for source in (settings.file_url_secret, settings.telegram_token, settings.zalo_token):
        if source is not None and len(source.get_secret_value().encode()) >= MIN_SECRET_BYTES:
            return hmac.new(source.get_secret_value().encode(), _DERIVE_LABEL, hashlib.sha256).digest()
    raise ConfigurationError(
        f"Cần CDHT_MINIAPP_SECRET (ít nhất {MIN_SECRET_BYTES} ký tự) để ký phiên đăng nhập của trang Mini App."
    )


MAX_SESSION_HOURS = 12.0  # a session slides on while used, but never past one working day from sign-in


@dataclass(frozen=True)
class SessionClaims:
    person_id: int
    channel: str
    expires: int
    nonce: str
    started: int = 0  # when the person signed in (epoch seconds)


class Sessions:
    """Opaque session tokens for the cookie; a session lives `minutes` and slides on while it is used."""

    def __init__(self, secret: bytes, *, minutes: float, clock: Callable[[], float] = time.time) -> None:
        _check_secret(secret)
        self._key = _subkey(secret, _SESSION_LABEL)
        self._csrf_key = _subkey(secret, _CSRF_LABEL)
        self._lifetime = minutes * 60
        self._clock = clock

    def issue(self, person_id: int, channel: str) -> str:
        claims = SessionClaims(
            person_id, _checked_channel(channel), 0, secrets.token_urlsafe(12), int(self._clock())
        )
        return self._token(claims)

    def read(self, token: str | None) -> SessionClaims | None:
        """The claims of a genuine, unexpired token; None for anything else."""
        payload = _open(self._key, token)
        if payload is None or len(payload) != 5:
            return None
        person_id, channel, expires, nonce, started = payload
        if not (
            _is_int(person_id)
            and _is_int(expires)
            and _is_int(started)
            and isinstance(channel, str)
            and isinstance(nonce, str)
        ):
            return None
        if expires <= self._clock():
            return None
        return SessionClaims(person_id, channel, expires, nonce, started)

    def renewed(self, claims: SessionClaims) -> str | None:
        """A fresh token for the same session (same nonce, so forms already on screen still post) once more
        than half its lifetime is used; None while it is young, or once it is over."""
        now = self._clock()
        remaining = claims.expires - now
        if remaining <= 0 or remaining >= self._lifetime / 2:
            return None
        if now - claims.started >= MAX_SESSION_HOURS * 3600:  # signed in long ago: let it end
            return None
        return self._token(claims)

    def csrf_token(self, claims: SessionClaims) -> str:
        return _b64(hmac.new(self._csrf_key, _csrf_message(claims), hashlib.sha256).digest())

    def csrf_ok(self, claims: SessionClaims, token: str | None) -> bool:
        if not token or not token.isascii():
            return False
        return hmac.compare_digest(self.csrf_token(claims), token)

    def _token(self, claims: SessionClaims) -> str:
        expires = int(self._clock() + self._lifetime)
        return _seal(self._key, [claims.person_id, claims.channel, expires, claims.nonce, claims.started])


class OpenLinks:
    """Signed, expiring links that open the Mini App at a page and start a session (Zalo, the console).

    Each link carries a nonce of its own, so the page that opens it can refuse it the second time."""

    def __init__(
        self,
        public_url: str,
        secret: bytes,
        *,
        ttl_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        _check_secret(secret)
        self._public_url = public_url.rstrip("/")
        self._key = _subkey(secret, _LINK_LABEL)
        self._ttl = ttl_seconds
        self._clock = clock

    def link(self, person_id: int, channel: str, path: str) -> SignedLink:
        if not _is_app_path(path):
            raise ValueError(f"not a Mini App path: {path!r}")
        expires = int(self._clock() + self._ttl)
        token = _seal(
            self._key, [person_id, _checked_channel(channel), expires, path, secrets.token_urlsafe(9)]
        )
        return SignedLink(f"{self._public_url}{OPEN_PATH}?t={token}", datetime.fromtimestamp(expires, UTC))

    def read(self, token: str | None) -> tuple[int, str, str] | None:
        """(person id, channel, path) of a genuine, unexpired link token; None for anything else."""
        payload = _open(self._key, token)
        if payload is None or len(payload) != 5:
            return None
        person_id, channel, expires, path, _ = payload
        if not (
            _is_int(person_id) and _is_int(expires) and isinstance(channel, str) and isinstance(path, str)
        ):
            return None
        if expires <= self._clock() or not _is_app_path(path):
            return None
        return person_id, channel, path


def set_session_cookie(
    response: web.StreamResponse, token: str, *, secure: bool, samesite: str, max_age: int
) -> None:
    """HttpOnly, only under /app. SameSite=None (Telegram Web shows the app in a frame of another site) needs
    Secure, and Partitioned keeps that cookie to the Telegram frame (browsers that block third-party cookies
    accept only partitioned ones there).

    Written as a header: Python's cookie module knows `Partitioned` only from 3.14, and aiohttp's
    `set_cookie(partitioned=True)` fails before that."""
    if samesite not in _SAMESITE:
        raise ValueError(f"SameSite must be one of {_SAMESITE}, not {samesite!r}")
    cross_site = samesite == "None"
    jar: SimpleCookie = SimpleCookie()
    jar[COOKIE] = token
    morsel = jar[COOKIE]
    morsel["path"] = COOKIE_PATH
    morsel["max-age"] = str(max_age)
    if max_age <= 0:
        morsel["expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
    morsel["httponly"] = True
    morsel["samesite"] = samesite
    if secure or cross_site:
        morsel["secure"] = True
    header = morsel.OutputString() + ("; Partitioned" if cross_site else "")
    response.cookies.pop(COOKIE, None)
    others = [value for value in response.headers.getall("Set-Cookie", []) if not _names_session(value)]
    response.headers.popall("Set-Cookie", None)
    for value in [*others, header]:
        response.headers.add("Set-Cookie", value)


def clear_session_cookie(
    response: web.StreamResponse, *, secure: bool = False, samesite: str = "Lax"
) -> None:
    """Deletes the session cookie; pass the attributes it was set with (a partitioned cookie is only
    replaced by a partitioned one)."""
    set_session_cookie(response, "", secure=secure, samesite=samesite, max_age=0)


def _names_session(set_cookie: str) -> bool:
    return set_cookie.split("=", 1)[0].strip() == COOKIE


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """CSP, no caching by default and no referrer on every /app response, errors included."""
    if not _under_app(request.path):
        return await handler(request)
    try:
        response = await handler(request)
    except web.HTTPException as error:
        _protect(error)
        raise
    except Exception:  # aiohttp's own 500 would go out without these headers
        log.exception("mini app request failed", path=request.path)
        response = web.Response(status=500, text=SERVER_ERROR, charset="utf-8")
    _protect(response)
    return response


def _protect(response: web.StreamResponse) -> None:
    if response.prepared:  # a streamed response has sent its headers already
        return
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers.setdefault("Cache-Control", "no-store")
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    vary = [part.strip() for part in headers.get("Vary", "").split(",") if part.strip()]
    if not any(part.lower() == "cookie" for part in vary):
        headers["Vary"] = ", ".join([*vary, "Cookie"])


def _under_app(path: str) -> bool:
    return path == COOKIE_PATH or path.startswith(COOKIE_PATH + "/")


def _is_app_path(path: str) -> bool:
    if not path.startswith(COOKIE_PATH + "/") or "\\" in path or "//" in path:
        return False
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in path):
        return False
    route = path.split("?", 1)[0].split("#", 1)[0]
    return not any(segment in (".", "..") for segment in route.split("/"))


def _checked_channel(channel: str) -> str:
    if not _CHANNEL.fullmatch(channel):
        raise ValueError(f"not a channel name: {channel!r}")
    return channel


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_secret(secret: bytes) -> None:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the Mini App secret must have at least {MIN_SECRET_BYTES} bytes")


def _subkey(secret: bytes, label: bytes) -> bytes:
    return hmac.new(secret, label, hashlib.sha256).digest()


def _csrf_message(claims: SessionClaims) -> bytes:
    return f"{claims.nonce}\n{claims.person_id}\n{claims.channel}".encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _seal(key: bytes, payload: list[Any]) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode())
    return f"{body}.{_b64(hmac.new(key, body.encode(), hashlib.sha256).digest())}"


def _open(key: bytes, token: str | None) -> list[Any] | None:
    if not token or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    if not (_BASE64URL.fullmatch(body) and _BASE64URL.fullmatch(mac)):
        return None
    expected = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, mac):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError):
        return None
    return payload if isinstance(payload, list) else None
