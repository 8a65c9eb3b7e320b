"""The file store in folders on this machine (`CDHT_FILE_STORE=folder`, the default): content-addressed
(`<root>/<first two hex digits>/<sha256>`), one copy per content. Kept files (evidence, a dossier's documents)
go under `root` (data/evidence); exports under `exports` (data/exports), where `prune_exports` finds them by
the time they were last stored. Only one machine reaches these files: several machines use the database."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from cdht.handlers.ports import FileStore, MissingFile
from cdht.handlers.ports.files import check_sha256


class FolderFileStore:
    def __init__(self, root: Path, exports: Path | None = None) -> None:
        """`exports`: the exports' folder; default `root`/exports (beside the two-digit folders)."""
        self._root = root
        self._exports = exports if exports is not None else root / "exports"

    def path_for(self, sha256: str, *, export: bool = False) -> Path:
        check_sha256(sha256)
        return (self._exports if export else self._root) / sha256[:2] / sha256

    def put_bytes(self, content: bytes, *, export: bool = False) -> str:
        """Written to a temporary file, then renamed. An export stored again is touched: its retention
        period starts again."""
        digest = hashlib.sha256(content).hexdigest()
        kept = self.path_for(digest)
        if kept.exists():
            return digest
        target = self.path_for(digest, export=export)
        if target.exists():
            if export:
                os.utime(target)
            return digest
        if not export:
            exported = self.path_for(digest, export=True)
            if exported.exists():  # kept from now on: moved out of the exports' reach
                kept.parent.mkdir(parents=True, exist_ok=True)
                os.replace(exported, kept)
                return digest
        _write_atomically(target, content)
        return digest

    def put_file(self, source: Path) -> str:
        return self.put_bytes(source.read_bytes())

    def read_bytes(self, sha256: str) -> bytes:
        for path in (self.path_for(sha256), self.path_for(sha256, export=True)):
            try:
                return path.read_bytes()
            except FileNotFoundError:
                continue
        raise MissingFile(sha256)

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file() or self.path_for(sha256, export=True).is_file()

    def copy_into(self, target: FileStore) -> int:
        """Store every file of the folders in `target` (kept files kept, exports as exports), e.g. when an
        installation moves its files into the database (`cdht db copy-files`); returns how many. Files
        already there are stored once all the same."""
        copied = 0
        for export, root in ((False, self._root), (True, self._exports)):
            for path in sorted(root.glob("??/*")) if root.is_dir() else []:
                if path.is_file() and len(path.name) == 64 and path.name.startswith(path.parent.name):
                    target.put_bytes(path.read_bytes(), export=export)
                    copied += 1
        return copied

    def count_exports(self, before: datetime) -> int:
        return len(self._old_exports(before))

    def prune_exports(self, before: datetime) -> int:
        deleted = 0
        for path in self._old_exports(before):
            try:
                path.unlink()
                deleted += 1
            except OSError:  # removed meanwhile, or not ours to remove: left for the next run
                continue
        return deleted

    def _old_exports(self, before: datetime) -> list[Path]:
        """Export files last stored before `before`; also files written straight into the exports folder by
        earlier versions (`<job>-<name>`)."""
        if not self._exports.is_dir():
            return []
        limit = before.timestamp()
        old = []
        for path in [*self._exports.iterdir(), *self._exports.glob("??/*")]:
            try:
                if path.is_file() and not path.name.startswith(".") and path.stat().st_mtime < limit:
                    old.append(path)
            except OSError:  # removed meanwhile
                continue
        return old


def _write_atomically(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
