"""The evidence archive: where each file goes ("TC1/1.1/<name>"), its index, and the ZIP itself.

Pure: `write_evidence_zip` reads file contents only through the function it is given.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Sequence

from cdht.reports.evidence.names import safe_file_name
from cdht.reports.inputs import EvidenceRecord

OTHER_FOLDER = "Khác"
INDEX_NAME = "DANH_MUC_MINH_CHUNG.csv"
INDEX_HEADERS = [
    "STT",
    "Tệp trong hồ sơ",
    "Tiêu chí",
    "Chỉ tiêu",
    "Tên tệp gốc",
    "Chú thích",
    "Vĩ độ",
    "Kinh độ",
    "SHA-256",
]
_INDICATOR = re.compile(r"(\d{1,2})\.(\d{1,2})")
_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "video/mp4": ".mp4",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def folder(indicator_id: str | None) -> str:
    """ "1.1" -> "TC1/1.1"; anything that is not an indicator id goes to "Khác"."""
    match = _INDICATOR.fullmatch(indicator_id or "")
    if match is None:
        return OTHER_FOLDER
    return f"TC{int(match[1])}/{int(match[1])}.{int(match[2])}"


def _file_name(record: EvidenceRecord) -> str:
    name = safe_file_name(record.file_name, fallback=record.sha256[:12] or "tep")
    extension = _EXTENSIONS.get((record.mime_type or "").lower(), "")
    if extension and "." not in name:
        name = safe_file_name(name + extension)
    return name


def _unique(path: str, used: set[str]) -> str:
    """ "TC1/1.1/anh.jpg", then "TC1/1.1/anh (2).jpg"; compared case-insensitively (Windows)."""
    head, _, name = path.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    candidate, number = path, 2
    while candidate.casefold() in used:
        candidate = f"{head}/{stem} ({number}){dot}{extension}"
        number += 1
    used.add(candidate.casefold())
    return candidate


def _entries(records: Sequence[EvidenceRecord]) -> list[tuple[str, EvidenceRecord]]:
    used: set[str] = set()
    placed: set[tuple[str, str]] = set()
    entries = []
    for record in records:
        where = folder(record.indicator_id)
        if (where, record.sha256) in placed:
            continue  # the same file attached twice to one indicator is archived once
        placed.add((where, record.sha256))
        entries.append((_unique(f"{where}/{_file_name(record)}", used), record))
    return entries


def evidence_layout(records: Sequence[EvidenceRecord]) -> list[tuple[str, str]]:
    """(archive name, sha256) for each file, in the order given, without duplicates per folder."""
    return [(arcname, record.sha256) for arcname, record in _entries(records)]


def _literal(text: str) -> str:
    """Keep a spreadsheet from reading a caption as a formula when the CSV is opened."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}"


def evidence_index(records: Sequence[EvidenceRecord]) -> str:
    """The CSV index of the archive (write it with encoding "utf-8-sig" so Excel reads the accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(INDEX_HEADERS)
    for number, (arcname, record) in enumerate(_entries(records), start=1):
        parts = arcname.split("/")
        criterion, indicator = (parts[0], parts[1]) if len(parts) == 3 else ("", "")
        writer.writerow(
            [
                number,
                _literal(arcname),
                criterion,
                indicator,
                _literal(" ".join(record.file_name.split())),
                _literal(record.caption),
                _coordinate(record.latitude),
                _coordinate(record.longitude),
                _literal(record.sha256),
            ]
        )
    return buffer.getvalue()


def _check(arcname: str) -> None:
    parts = arcname.split("/")
    if arcname.startswith("/") or "\\" in arcname or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"unsafe archive name: {arcname!r}")


def write_evidence_zip(
    layout: Sequence[tuple[str, str]],
    open_file: Callable[[str], bytes],
    index_text: str,
    index_name: str = INDEX_NAME,
) -> bytes:
    """The ZIP of `layout`; `open_file(sha256)` returns a file's content. Fixed timestamps, so the
    same files give the same archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _check(index_name)
        archive.writestr(_info(index_name), index_text.encode("utf-8-sig"))
        for arcname, sha256 in layout:
            _check(arcname)
            archive.writestr(_info(arcname), open_file(sha256))
    return buffer.getvalue()


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info
