"""Signed, expiring links to the bot's own files (charts, exports, evidence), served by its HTTP server.

Zalo sends photos only by URL, so a chart must be reachable from the internet for a moment, and an export is
sent as a link. A link is `<public url>/files/<sha256>/<name>?e=<expiry>&s=<signature>` where the signature is
HMAC-SHA256 over the path and the expiry; the file is read from the file store by its sha256 (any worker serves
any file when the store is the database). A wrong signature or an expired link gets 403 and nothing is read.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from aiohttp import web

from cdht.conversations.outbound import FileRef
from cdht.handlers.ports import INLINE_IMAGES, FileStore, MissingFile, media_type

PREFIX = "/files"
_SIGNATURE_LABEL = b"cdht-file-links-v1"
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class SignedLink:
    url: str
    expires_at: datetime


def derive_secret(material: str) -> bytes:
    """A signing key derived from another secret (the bot token) when no file-link secret is configured."""
    return hmac.new(material.encode(), _SIGNATURE_LABEL, hashlib.sha256).digest()


class FileLinks:
    def __init__(
        self,
        public_url: str,
        secret: bytes,
        *,
        ttl_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the file-link secret must have at least 16 bytes")
        self._public_url = public_url.rstrip("/")
        self._secret = secret
        self._ttl = ttl_seconds
        self._clock = clock

    def link(self, stored: FileRef) -> SignedLink:
        """A signed link to a stored file, under the name people see."""
        name = stored.name.replace("/", "-").replace("\\", "-").strip() or "tep"
        expires = int(self._clock() + self._ttl)
        route = f"{PREFIX}/{stored.sha256}/{name}"
        url = f"{self._public_url}{quote(route)}?e={expires}&s={self._sign(route, expires)}"
        return SignedLink(url, datetime.fromtimestamp(expires, UTC))

    def verify(self, sha256: str, name: str, expires: str, signature: str) -> bool:
        """Whether a request's signature is right and not expired."""
        route = f"{PREFIX}/{sha256}/{name}"
        if len(sha256) != 64 or not set(sha256) <= _HEX or not expires.isdigit():
            return False
        if not hmac.compare_digest(self._sign(route, int(expires)), signature):
            return False
        return int(expires) >= self._clock()

    def _sign(self, route: str, expires: int) -> str:
        digest = hmac.new(self._secret, f"{route}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def file_response(content: bytes, name: str, *, cache: str | None = None) -> web.Response:
    """A stored file under the name people see: a photo shown in place, anything else downloaded (an SVG or
    an HTML file served in place would run its scripts as our own pages)."""
    content_type = media_type(name, content[:16])
    inline = content_type in INLINE_IMAGES
    headers = {
        "Content-Disposition": f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff",
    }
    if cache is not None:
        headers["Cache-Control"] = cache
    return web.Response(body=content, content_type=content_type, headers=headers)


def add_file_routes(app: web.Application, links: FileLinks, files: FileStore) -> None:
    async def serve(request: web.Request) -> web.StreamResponse:
        sha256, name = request.match_info["sha256"], request.match_info["name"]
        if not links.verify(sha256, name, request.query.get("e", ""), request.query.get("s", "")):
            return web.Response(status=403)
        try:
            content = await asyncio.to_thread(files.read_bytes, sha256)
        except MissingFile:
            return web.Response(status=404)
        return file_response(content, name, cache="private, max-age=3600")

    app.router.add_get(PREFIX + "/{sha256}/{name}", serve)
