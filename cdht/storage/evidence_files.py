"""Evidence files stored content-addressed (sha256) under the data folder: one copy per content."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class EvidenceFileStore:
    def __init__(self, root: Path) -> None:
        self._root = root

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
            raise ValueError("not a sha256 hex digest")
        return self._root / sha256[:2] / sha256

    def put_bytes(self, content: bytes) -> tuple[str, Path]:
        """Store content once; returns (sha256, path). Written to a temporary file, then renamed."""
        digest = hashlib.sha256(content).hexdigest()
        target = self.path_for(digest)
        if target.exists():
            return digest, target
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
        return digest, target

    def put_file(self, source: Path) -> tuple[str, Path]:
        return self.put_bytes(source.read_bytes())
