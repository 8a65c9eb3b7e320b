"""The file store: every file the bot keeps or makes (evidence, a dossier's documents, exports and charts),
content-addressed by sha256 and stored once per content. Two adapters (`cdht.storage`): a folder on this
machine, or the database, which every worker on one PostgreSQL reaches (`CDHT_FILE_STORE`).

A message names a file by its `FileRef` (sha256, name, media type), never by a path, so the worker that
sends it need not be the one that made it. The calls block (disk or database): use cases make them from a
worker thread (`asyncio.to_thread`), never on the event loop."""

from __future__ import annotations

import mimetypes
from datetime import datetime
from typing import Protocol

from cdht.conversations.outbound import FileRef

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"%PDF", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
)


class MissingFile(LookupError):
    """The store holds no file with this sha256 (never stored, or an export dropped after the retention
    period)."""


class FileStore(Protocol):
    def put_bytes(self, content: bytes, *, export: bool = False) -> str:
        """Store `content` once; returns its sha256. `export`: a file made again on request (an export, a
        chart, a copy to send), dropped by `prune_exports` after the retention period unless it is also
        kept as evidence or a dossier's document."""
        ...

    def read_bytes(self, sha256: str) -> bytes:
        """The content; `MissingFile` when the store has none."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def count_exports(self, before: datetime) -> int:
        """How many export files last stored before `before` `prune_exports` would drop."""
        ...

    def prune_exports(self, before: datetime) -> int:
        """Drop export files last stored before `before` (Nghị định 13/2023); returns how many went."""
        ...


# Shown in place in a page or a chat app; any other type (SVG above all: it may carry scripts) is downloaded.
INLINE_IMAGES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def media_type(name: str, head: bytes = b"") -> str:
    """A file's media type from its name, else from its first bytes."""
    guessed, _ = mimetypes.guess_type(name)
    if guessed:
        return guessed
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), "application/octet-stream")


def file_ref(sha256: str, name: str, content: bytes = b"") -> FileRef:
    return FileRef(sha256, name, media_type(name, content[:16]))


def check_sha256(sha256: str) -> str:
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        raise ValueError("not a sha256 hex digest")
    return sha256
