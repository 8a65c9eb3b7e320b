"""File names from users made safe for an archive: one plain name, never a path.

Directories, "..", drive letters and absolute paths are dropped (only the last path part is kept),
control and format characters removed, characters Windows forbids replaced, Vietnamese letters kept.
"""

from __future__ import annotations

import unicodedata

MAX_NAME = 120
_FORBIDDEN = frozenset('<>:"|?*')
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
)
_MAX_EXTENSION = 10


def _clean(text: str) -> str:
    kept = []
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        if category in _DROPPED:
            continue
        kept.append("_" if ch in _FORBIDDEN else " " if category.startswith("Z") else ch)
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))


def _split(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > _MAX_EXTENSION or " " in extension:
        return name, ""
    return stem, "." + extension


def safe_file_name(name: str, fallback: str = "tep") -> str:
    """A single, harmless file name for `name`; `fallback` (itself cleaned) when nothing is left."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = _clean(base).strip(" .")
    if not clean:
        clean = _clean(fallback.replace("\\", "/").replace("/", "_")).strip(" .") or "tep"
    stem, extension = _split(clean)
    stem = stem[: MAX_NAME - len(extension)].rstrip(" .") or "tep"
    if stem.split(".", 1)[0].upper() in _RESERVED:
        stem = "_" + stem
    return unicodedata.normalize("NFC", stem + extension)
