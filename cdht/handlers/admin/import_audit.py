"""Imports in the audit log: who ran one, from which file (its name and sha256) and what it changed.

Each changed answer, unit or person is one entry, kept and written in batches (`AuditRepository.add_many`) in
the import's own transaction, so an import refused or failed leaves none; an unchanged row writes nothing.
One summary entry per import names the file, its hash and the counts, on the unit that holds all the units
the file touched (the province of a province's file). Every entry of one import has the same reason and the
same time: the audit view groups them by it."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cdht.handlers.ports import AuditRecord, AuditRepository

ANSWER = "import_answer"
UNIT_ADDED = "import_unit_added"
UNIT_RENAMED = "import_unit_renamed"
UNIT_MOVED = "import_unit_moved"
UNIT_TIER = "import_unit_tier"
PERSON_ADDED = "import_person_added"
PERSON_RENAMED = "import_person_renamed"
PERSON_ROLE = "import_person_role"
PERSON_MOVED = "import_person_moved"
PERSON_DEPARTMENT = "import_person_department"
SUMMARY = "import_summary"
ACTIONS = {  # how the audit view names them
    ANSWER: "nhập câu trả lời",
    UNIT_ADDED: "nhập: thêm đơn vị",
    UNIT_RENAMED: "nhập: đổi tên đơn vị",
    UNIT_MOVED: "nhập: chuyển đơn vị cấp trên",
    UNIT_TIER: "nhập: đổi cấp đơn vị",
    PERSON_ADDED: "nhập: thêm người",
    PERSON_RENAMED: "nhập: đổi họ tên",
    PERSON_ROLE: "nhập: đổi vai trò",
    PERSON_MOVED: "nhập: chuyển đơn vị",
    PERSON_DEPARTMENT: "nhập: đổi phòng ban",
    SUMMARY: "nhập tệp",
}
BATCH = 1_000  # entries kept before they are written together
CHUNK = 1 << 20


@dataclass(frozen=True)
class ImportSource:
    """The file imported and who imported it: on the command line the operating-system user and host
    («admin@may-chu», `actor_name`), from a chat the person (`actor_id`)."""

    file_name: str
    sha256: str
    actor_name: str | None = None
    actor_id: int | None = None

    @property
    def reason(self) -> str:
        return f"Nhập từ tệp {self.file_name} (sha256 {self.sha256})"


def file_sha256(path: Path) -> str:
    """The file's sha256, read in chunks (blocking: call it off the event loop, or before it runs)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


async def source_of(path: Path, source: ImportSource | None) -> ImportSource:
    """The source given, or the file's name and hash (computed off the event loop) with nobody named."""
    if source is not None:
        return source
    return ImportSource(path.name, await asyncio.to_thread(file_sha256, path))


class ImportAudit:
    """The entries of one import, written `BATCH` at a time through the import's unit of work."""

    def __init__(self, audit: AuditRepository, source: ImportSource, now: datetime) -> None:
        self._audit, self.source, self._now = audit, source, now
        self._pending: list[AuditRecord] = []
        self.changes = 0

    async def change(
        self,
        action: str,
        unit_id: int,
        year: int | None,
        *,
        question_id: str | None = None,
        old: object = None,
        new: object = None,
    ) -> None:
        self._pending.append(self._entry(action, unit_id, year, question_id, old, new))
        self.changes += 1
        if len(self._pending) >= BATCH:
            await self.flush()

    async def summary(self, unit_ids: Iterable[int | None], year: int | None, counts: str) -> None:
        """The import's summary entry on each unit given (None: no unit), then every entry kept is written."""
        for unit_id in dict.fromkeys(unit_ids):
            self._pending.append(self._entry(SUMMARY, unit_id, year, None, None, counts))
        await self.flush()

    async def flush(self) -> None:
        if self._pending:
            entries, self._pending = self._pending, []
            await self._audit.add_many(entries)

    def _entry(
        self,
        action: str,
        unit_id: int | None,
        year: int | None,
        question_id: str | None,
        old: object,
        new: object,
    ) -> AuditRecord:
        source = self.source
        return AuditRecord(
            action,
            self._now,
            unit_id,
            year,
            source.actor_id,
            question_id,
            old,
            new,
            source.reason,
            actor_name=source.actor_name,
        )


def covering_units(unit_ids: Iterable[int], parents: Mapping[int, int | None]) -> list[int]:
    """The fewest units holding all of `unit_ids` in their subtrees: their nearest common ancestor (the unit
    itself when there is one), or one per top unit when they sit in separate trees."""
    chains: dict[int, list[int]] = {}  # by top unit: the common path from the top down
    for unit_id in dict.fromkeys(unit_ids):
        path: list[int] = []
        seen: set[int] = set()
        step: int | None = unit_id
        while step is not None and step not in seen:  # a stored loop ends the walk
            seen.add(step)
            path.append(step)
            step = parents.get(step)
        path.reverse()
        common = chains.get(path[0])
        if common is None:
            chains[path[0]] = path
        else:
            size = 0
            while size < min(len(common), len(path)) and common[size] == path[size]:
                size += 1
            chains[path[0]] = common[:size]
    return [chain[-1] for chain in chains.values()]


def counted(number: int) -> str:
    """«9.400»: thousands separated by dots, as Vietnamese write them."""
    return f"{number:,}".replace(",", ".")
