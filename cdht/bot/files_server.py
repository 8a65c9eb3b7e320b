"""Signed, expiring links to the bot's own files (charts, exports, evidence), served by its HTTP server.

Zalo sends photos only by URL, so a chart must be reachable from the internet for a moment, and an export is
sent as a link. A link is `<public url>/files/<folder>/<path>?e=<expiry>&s=<signature>` where the signature is
HMAC-SHA256 over the path and the expiry. Only the named folders (exports, evidence) are served; a path that
leaves them, a wrong signature or an expired link gets 403 and nothing is read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import mimetypes
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from aiohttp import web

PREFIX = "/files"
_SIGNATURE_LABEL = b"cdht-file-links-v1"
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"%PDF", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
)


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
        folders: Mapping[str, Path],
        *,
        ttl_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the file-link secret must have at least 16 bytes")
        self._public_url = public_url.rstrip("/")
        self._secret = secret
        self._folders = {name: folder.resolve() for name, folder in folders.items()}
        self._ttl = ttl_seconds
        self._clock = clock

    def link(self, path: Path | str) -> SignedLink | None:
        """A signed link to a file under one of the folders; None for any other path."""
        resolved = Path(path).resolve()
        for name, folder in self._folders.items():
            if resolved.is_relative_to(folder) and resolved != folder:
                relative = resolved.relative_to(folder).as_posix()
                expires = int(self._clock() + self._ttl)
                route = f"{PREFIX}/{name}/{relative}"
                url = f"{self._public_url}{quote(route)}?e={expires}&s={self._sign(route, expires)}"
                return SignedLink(url, datetime.fromtimestamp(expires, UTC))
        return None

    def verify(self, folder: str, relative: str, expires: str, signature: str) -> Path | None:
        """The file a request names, when its signature is right and not expired; else None."""
        route = f"{PREFIX}/{folder}/{relative}"
        if not expires.isdigit() or not hmac.compare_digest(self._sign(route, int(expires)), signature):
            return None
        if int(expires) < self._clock():
            return None
        root = self._folders.get(folder)
        parts = PurePosixPath(relative).parts
        if root is None or not parts or any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
            return None
        target = root.joinpath(*parts).resolve()
        return target if target.is_relative_to(root) and target != root else None

    def _sign(self, route: str, expires: int) -> str:
        digest = hmac.new(self._secret, f"{route}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def add_file_routes(app: web.Application, links: FileLinks) -> None:
    async def serve(request: web.Request) -> web.StreamResponse:
        path = links.verify(
            request.match_info["folder"],
            request.match_info["path"],
            request.query.get("e", ""),
            request.query.get("s", ""),
        )
        if path is None:
            return web.Response(status=403)
        if not path.is_file():
            return web.Response(status=404)
        content_type = _content_type(path)
        disposition = "inline" if content_type.startswith("image/") else "attachment"
        headers = {
            "Content-Type": content_type,
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(path.name)}",
            "Cache-Control": "private, max-age=3600",
            "X-Content-Type-Options": "nosniff",
        }
        return web.FileResponse(path, headers=headers)

    app.router.add_get(PREFIX + "/{folder}/{path:.+}", serve)


def _content_type(path: Path) -> str:
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed:
        return guessed
    with path.open("rb") as file:  # evidence files are stored by hash, without an extension
        head = file.read(16)
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), "application/octet-stream")
