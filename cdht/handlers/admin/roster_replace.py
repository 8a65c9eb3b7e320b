"""`cdht import-roster FILE --replace UNIT`: the file is the new list of UNIT and the units below it. The active
people of that subtree whom the file does not list (by phone, with the same name: a phone listed under another
name has changed hands) are shown; on confirmation they are deactivated (`lifecycle`) and the file imported
(`roster.import_roster`), in one transaction: a file the import refuses changes nothing, nobody included.
Deactivating them first frees their phones for the people the file gives them to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cdht.conversations.parsing.folding import fold
from cdht.handlers.admin import lifecycle
from cdht.handlers.admin.import_audit import ImportSource, source_of
from cdht.handlers.admin.roster import (
    HEADER_ALIASES,
    REQUIRED,
    RosterError,
    RosterReport,
    import_roster,
    parse_roster,
)
from cdht.handlers.admin.spreadsheet import read_rows
from cdht.handlers.ports import PersonRecord, RosterReplaceUnitOfWork, UnitRecord


@dataclass
class Replacement:
    unit: UnitRecord
    leaving: list[str] = field(default_factory=list)  # who is (or would be) deactivated, described
    report: RosterReport | None = None  # the import's, when it was applied

    def summary(self, file_name: str) -> str:
        head = f"Nhập thay thế {self.unit.name} ({self.unit.code}) bằng tệp {file_name}: "
        if not self.leaving:
            who = [head + "mọi người đang hoạt động của đơn vị này đều có trong tệp; không ai bị khoá."]
        elif self.report is None:
            who = [head + f"{len(self.leaving)} người không có trong tệp và sẽ bị khoá:"]
        else:
            who = [head + f"đã khoá {len(self.leaving)} người không có trong tệp:"]
        who += [f"  - {line}" for line in self.leaving]
        if self.report is None:
            who.append("Chưa thay đổi gì. Chạy lại lệnh với --yes để nhập tệp và khoá những người trên.")
        else:
            who.append(self.report.summary())
        return "\n".join(who)


async def replace_subtree(
    path: Path,
    uow: RosterReplaceUnitOfWork,
    unit_code: str,
    now: datetime,
    *,
    apply: bool,
    year: int | None,
    source: ImportSource | None = None,
) -> Replacement:
    """Who of `unit_code`'s subtree the file leaves out; with `apply`, deactivate them and import the file
    (committed), all audited with `source` (the file's name and hash; who ran it). Raises `RosterError` for
    an unknown unit or a file the import refuses."""
    unit = await uow.units.by_code(unit_code)
    if unit is None:
        raise RosterError([f"Không có đơn vị {unit_code} để thay thế."])
    leaving = await missing_people(path, uow, unit)
    replacement = Replacement(unit, [await lifecycle.describe(uow, person) for person in leaving])
    if not apply:
        return replacement
    source = await source_of(path, source)
    reason = f"Không có trong danh sách mới {path.name} khi nhập thay thế {unit.name} ({unit.code})"
    for person in leaving:
        await lifecycle.deactivate(
            uow, person, now, actor=None, reason=reason, year=year, actor_name=source.actor_name
        )
    # validates all, then commits with the above
    replacement.report = await import_roster(path, uow, now, source=source, year=year)
    return replacement


async def missing_people(path: Path, uow: RosterReplaceUnitOfWork, unit: UnitRecord) -> list[PersonRecord]:
    """The active people of the unit and the units below it whom the file does not list."""
    _, people, problems = parse_roster(read_rows(path, HEADER_ALIASES, REQUIRED))
    if problems:
        raise RosterError(problems)
    listed = {(person.phone, fold(person.name)) for person in people}
    subtree = [u.id for u in await uow.units.subtree(unit.id)]
    return [
        person
        for person in await uow.people.in_units(subtree)
        if person.active and (person.phone, fold(person.name)) not in listed
    ]
