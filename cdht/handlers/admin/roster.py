"""Roster import: units and people from CSV/XLSX, all or nothing, idempotent, with a report; each unit or
person added or changed is an entry of the audit log, with who imported which file (`import_audit`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from cdht.conversations.parsing.folding import fold
from cdht.handlers.admin import import_audit
from cdht.handlers.admin.import_audit import ImportAudit, ImportSource, counted, covering_units, source_of
from cdht.handlers.admin.phones import normalise_phone
from cdht.handlers.admin.spreadsheet import Row, read_rows
from cdht.handlers.admin.unit_tree import TIER_NAMES, Move, plan_tree
from cdht.handlers.command_table import ROLE_NAMES
from cdht.handlers.ports import ROLES, TIERS, PersonRecord, RosterImportUnitOfWork, UnitRecord
from cdht.scoring.departments import active_departments

HEADER_ALIASES = {
    "unit code": "unit_code",
    "ma don vi": "unit_code",
    "ma": "unit_code",
    "unit name": "unit_name",
    "ten don vi": "unit_name",
    "parent code": "parent_code",
    "ma don vi cap tren": "parent_code",
    "ma cap tren": "parent_code",
    "tier": "tier",
    "cap": "tier",
    "cap hanh chinh": "tier",
    "person name": "person_name",
    "ho va ten": "person_name",
    "ho ten": "person_name",
    "phone": "phone",
    "so dien thoai": "phone",
    "dien thoai": "phone",
    "sdt": "phone",
    "role": "role",
    "vai tro": "role",
    "department": "department",
    "phong ban": "department",
    "phong ban phu trach": "department",
}
REQUIRED = ("unit_code", "unit_name", "parent_code", "tier", "person_name", "phone", "role")
TIER_WORDS = {"tinh": "province", "huyen": "district", "xa": "commune", "thon": "village"}
ROLE_WORDS = {
    "truong thon": "village_head",
    "can bo xa": "commune_officer",
    "quan tri huyen": "district_admin",
    "quan tri tinh": "province_admin",
}
# Roles that may belong to a department of their unit (a district's or province's offices).
DEPARTMENT_ROLES = ("district_admin", "province_admin")
# Which tier each role works at: a village head belongs to a village, and so on.
ROLE_TIER = {
    "village_head": "village",
    "commune_officer": "commune",
    "district_admin": "district",
    "province_admin": "province",
}


class RosterError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class UnitRow:
    row: int
    code: str
    name: str
    tier: str
    parent_code: str


@dataclass(frozen=True)
class PersonRow:
    row: int
    name: str
    phone: str
    role: str
    unit_code: str
    department: str | None = None
    department_given: bool = False  # the file has a department column: an empty cell clears it


@dataclass
class RosterReport:
    units_added: list[str] = field(default_factory=list)
    units_changed: list[str] = field(default_factory=list)
    people_added: list[str] = field(default_factory=list)
    people_changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    units_moved: list[Move] = field(default_factory=list)  # also in units_changed

    def summary(self) -> str:
        return "\n".join(
            [
                f"Đơn vị: thêm {len(self.units_added)}, sửa {len(self.units_changed)}. "
                f"Người: thêm {len(self.people_added)}, sửa {len(self.people_changed)}. "
                f"Không đổi: {self.unchanged}.",
                *(move.text() for move in self.units_moved),
            ]
        )

    def counts(self) -> str:
        """The audit log's summary of an import: «Đơn vị: thêm 3, sửa 1; người: thêm 3, sửa 0; không đổi 2»."""
        return (
            f"Đơn vị: thêm {counted(len(self.units_added))}, sửa {counted(len(self.units_changed))}; "
            f"người: thêm {counted(len(self.people_added))}, sửa {counted(len(self.people_changed))}; "
            f"không đổi {counted(self.unchanged)}"
        )


def _canonical(value: str, allowed: tuple[str, ...], words: dict[str, str]) -> str | None:
    key = fold(value).replace("_", " ")
    for name in allowed:
        if key == name.replace("_", " "):
            return name
    return words.get(key)


def parse_roster(rows: list[Row]) -> tuple[list[UnitRow], list[PersonRow], list[str]]:
    units: dict[str, UnitRow] = {}
    people: dict[str, PersonRow] = {}
    problems: list[str] = []
    for row in rows:
        cells, n = row.cells, row.number
        code = cells.get("unit_code", "")
        if not code:
            problems.append(f"Dòng {n}: thiếu mã đơn vị.")
            continue
        tier = _canonical(cells.get("tier", ""), TIERS, TIER_WORDS)
        if tier is None:
            problems.append(
                f"Dòng {n}: cấp '{cells.get('tier', '')}' không hợp lệ (dùng {', '.join(TIERS)})."
            )
            continue
        # An empty name keeps a stored unit's (an official commune named by its code alone); a new one is
        # named by its code.
        unit = UnitRow(n, code, cells.get("unit_name", ""), tier, cells.get("parent_code", ""))
        known = units.get(code)
        if known is None:
            units[code] = unit
        elif (known.name, known.tier, known.parent_code) != (unit.name, unit.tier, unit.parent_code):
            problems.append(f"Dòng {n}: đơn vị {code} khác với dòng {known.row} (tên, cấp hoặc cấp trên).")
        person = _person(cells, n, code, tier, problems)
        if person is None:
            continue
        twin = people.get(person.phone)
        if twin is not None and fold(twin.name) != fold(person.name):
            problems.append(f"Dòng {n}: số {person.phone} đã dùng cho {twin.name} ở dòng {twin.row}.")
        elif twin is not None and (twin.role, twin.unit_code, twin.department) != (
            person.role,
            person.unit_code,
            person.department,
        ):
            problems.append(
                f"Dòng {n}: {person.name} xuất hiện hai lần với vai trò, đơn vị hoặc phòng ban khác nhau."
            )
        else:
            people[person.phone] = person
    return list(units.values()), list(people.values()), problems


def _person(cells: dict[str, str], n: int, code: str, tier: str, problems: list[str]) -> PersonRow | None:
    name, raw_phone, raw_role = cells.get("person_name", ""), cells.get("phone", ""), cells.get("role", "")
    raw_department = cells.get("department", "")
    if not (name or raw_phone or raw_role):
        if raw_department:
            problems.append(f"Dòng {n}: có phòng ban '{raw_department}' nhưng không có người.")
        return None
    phone = normalise_phone(raw_phone)
    role = _canonical(raw_role, ROLES, ROLE_WORDS)
    if not name:
        problems.append(f"Dòng {n}: thiếu họ tên người.")
    elif phone is None:
        problems.append(f"Dòng {n}: số điện thoại '{raw_phone}' không hợp lệ.")
    elif role is None:
        problems.append(f"Dòng {n}: vai trò '{raw_role}' không hợp lệ (dùng {', '.join(ROLES)}).")
    elif ROLE_TIER[role] != tier:
        problems.append(f"Dòng {n}: vai trò {role} không thuộc đơn vị cấp {tier}.")
    else:
        department = _department(raw_department, role, n, problems)
        if department is not False:
            return PersonRow(n, name, phone, role, code, department, "department" in cells)
    return None


def _department(raw: str, role: str, n: int, problems: list[str]) -> str | Literal[False] | None:
    """The department code of a row (by code or by name), None for an empty cell, False when refused: a
    district admin belongs to one of a district's departments, a province admin to one of a province's."""
    if not raw:
        return None
    departments = active_departments()
    tier = ROLE_TIER.get(role, "")
    own = departments.at(tier) if role in DEPARTMENT_ROLES else departments.departments
    usable = ", ".join(d.code for d in own)
    # Names first of the row's own tier: a name shared by two tiers' departments means the row's one.
    words = {fold(d.name): d.code for d in (*departments.departments, *own)}
    code = _canonical(raw, departments.codes, words)
    if code is None:
        problems.append(f"Dòng {n}: phòng ban '{raw}' không có trong danh sách (dùng {usable}).")
        return False
    if role not in DEPARTMENT_ROLES:
        problems.append(f"Dòng {n}: chỉ quản trị huyện hoặc quản trị tỉnh mới thuộc một phòng ban.")
        return False
    if code not in {d.code for d in own}:
        problems.append(
            f"Dòng {n}: phòng ban '{raw}' không thuộc cấp {TIER_NAMES.get(tier, tier)} (dùng {usable})."
        )
        return False
    return code


async def import_roster(
    path: Path,
    uow: RosterImportUnitOfWork,
    now: datetime,
    *,
    source: ImportSource | None = None,
    year: int | None = None,
) -> RosterReport:
    """Validate the whole file, then apply it in one transaction; any problem raises and changes nothing.
    Each change is audited with `source` (the file's name and hash; who ran it) under the assessment `year`
    (the log of that year shows it; None: no year's log, only the unit's whole log)."""
    existing_units = {u.code: u for u in await uow.units.all()}
    rows = official_codes(read_rows(path, HEADER_ALIASES, REQUIRED), set(existing_units))
    units, people, problems = parse_roster(rows)
    existing_people = {p.phone: p for p in await uow.people.all() if p.active}  # phones of the inactive: free
    tree = plan_tree(units, list(existing_units.values()))
    problems += tree.problems + _people_left_behind(units, existing_units, existing_people, people)
    for person in people:
        known = existing_people.get(person.phone)
        if known is not None and fold(known.name) != fold(person.name):
            problems.append(f"Dòng {person.row}: số {person.phone} đã thuộc về {known.name}.")
    if problems:
        raise RosterError(problems)
    audit = _RosterAudit(ImportAudit(uow.audit, await source_of(path, source), now), year)
    report = RosterReport(units_moved=tree.moves)
    by_code = dict(existing_units)
    by_id = {unit.id: unit for unit in existing_units.values()}
    for unit in sorted(units, key=lambda u: TIERS.index(u.tier)):  # a parent's tier is higher: added first
        parent = tree.parents[unit.code]
        await _apply_unit(uow, unit, by_code[parent] if parent else None, by_code, by_id, report, now, audit)
    for person in people:
        known = existing_people.get(person.phone)
        await _apply_person(uow, person, by_code[person.unit_code].id, known, report, now, audit, by_id)
    parents = {unit.id: unit.parent_id for unit in by_id.values()}
    touched = covering_units([by_code[unit.code].id for unit in units], parents)
    await audit.log.summary(touched or [None], audit.year, report.counts())
    await uow.commit()
    return report


@dataclass(frozen=True)
class _RosterAudit:
    log: ImportAudit
    year: int | None

    async def unit(self, action: str, unit_id: int, old: str | None, new: str) -> None:
        await self.log.change(action, unit_id, self.year, old=old, new=new)


def _unit_text(unit: UnitRecord | None) -> str:
    return "—" if unit is None else f"{unit.name} ({unit.code})"


def _person_text(name: str, role: str, phone: str) -> str:
    """«Nguyễn Văn An (trưởng thôn, +84902000001)»: whom, as the audit log names them."""
    return f"{name} ({ROLE_NAMES.get(role, role)}, {phone})"


def official_codes(rows: list[Row], stored: set[str]) -> list[Row]:
    """Official codes as a spreadsheet shows them: a unit or parent code of digits alone that is not stored
    but is one stored code once its leading zeros are put back (Excel shows the commune 06385 as 6385, the
    province 04 as 4) is read as that code; any other code is read as written."""

    def restored(code: str) -> str:
        if not code.isdigit() or code in stored:
            return code
        found = {code.zfill(width) for width in (2, 5)} & stored
        return found.pop() if len(found) == 1 else code

    keys = ("unit_code", "parent_code")
    return [
        Row(row.number, row.cells | {key: restored(row.cells[key]) for key in keys if key in row.cells})
        for row in rows
    ]


def _people_left_behind(
    units: list[UnitRow],
    existing_units: dict[str, UnitRecord],
    existing_people: dict[str, PersonRecord],
    people: list[PersonRow],
) -> list[str]:
    """A unit given a new tier may not keep people whose role belongs to its old one (unless the file
    places them elsewhere)."""
    placed = {person.phone for person in people}
    problems = []
    for unit in units:
        known = existing_units.get(unit.code)
        if known is None or known.tier == unit.tier:
            continue
        for person in existing_people.values():
            if (
                person.unit_id == known.id
                and person.active
                and person.phone not in placed
                and ROLE_TIER.get(person.role) != unit.tier
            ):
                problems.append(
                    f"Dòng {unit.row}: không thể đổi cấp của {unit.code} vì {person.name} ({person.phone}) "
                    "vẫn làm việc ở đơn vị này với vai trò của cấp cũ; hãy ghi người này ở đơn vị đúng cấp "
                    "trong cùng tệp."
                )
    return problems


async def _apply_unit(
    uow: RosterImportUnitOfWork,
    unit: UnitRow,
    parent: UnitRecord | None,
    by_code: dict[str, UnitRecord],
    by_id: dict[int, UnitRecord],
    report: RosterReport,
    now: datetime,
    audit: _RosterAudit,
) -> None:
    known = by_code.get(unit.code)
    parent_id = parent.id if parent else None
    if known is None:
        added = await uow.units.add(unit.code, unit.name or unit.code, unit.tier, parent_id, now)
        by_code[unit.code] = by_id[added.id] = added
        report.units_added.append(unit.code)
        where = f", thuộc {_unit_text(parent)}" if parent else ""
        shown = f"{added.name} ({added.code}, cấp {_tier(unit.tier)}{where})"
        await audit.unit(import_audit.UNIT_ADDED, added.id, None, shown)
    elif (known.name, known.tier, known.parent_id) != (name := unit.name or known.name, unit.tier, parent_id):
        await uow.units.update(known.id, name=name, tier=unit.tier, parent_id=parent_id)
        by_code[unit.code] = by_id[known.id] = UnitRecord(known.id, unit.code, name, unit.tier, parent_id)
        report.units_changed.append(unit.code)
        if known.name != name:
            await audit.unit(import_audit.UNIT_RENAMED, known.id, known.name, name)
        if known.tier != unit.tier:
            await audit.unit(import_audit.UNIT_TIER, known.id, _tier(known.tier), _tier(unit.tier))
        if known.parent_id != parent_id:
            old = by_id.get(known.parent_id) if known.parent_id is not None else None
            await audit.unit(import_audit.UNIT_MOVED, known.id, _unit_text(old), _unit_text(parent))
    else:
        report.unchanged += 1


def _tier(tier: str) -> str:
    return TIER_NAMES.get(tier, tier)


async def _apply_person(
    uow: RosterImportUnitOfWork,
    person: PersonRow,
    unit_id: int,
    known: PersonRecord | None,
    report: RosterReport,
    now: datetime,
    audit: _RosterAudit,
    units: dict[int, UnitRecord],
) -> None:
    if known is None:
        added = await uow.people.add(person.name, person.phone, person.role, unit_id, now)
        if person.department is not None:
            await uow.people.set_department(added.id, person.department)
        report.people_added.append(person.phone)
        shown = _person_text(person.name, person.role, person.phone)
        await audit.unit(import_audit.PERSON_ADDED, unit_id, None, shown)
        return
    # No department column: a person keeps theirs (unless their role no longer has one).
    department = person.department if person.department_given else known.department
    if person.role not in DEPARTMENT_ROLES:
        department = None
    changed = False
    if (known.name, known.role, known.unit_id) != (person.name, person.role, unit_id):
        await uow.people.update(known.id, name=person.name, role=person.role, unit_id=unit_id)
        changed = True
        if known.name != person.name:
            await audit.unit(import_audit.PERSON_RENAMED, unit_id, known.name, person.name)
        if known.role != person.role:
            old_role, new_role = (
                ROLE_NAMES.get(known.role, known.role),
                ROLE_NAMES.get(person.role, person.role),
            )
            await audit.unit(
                import_audit.PERSON_ROLE, unit_id, f"{person.name}: {old_role}", f"{person.name}: {new_role}"
            )
        if known.unit_id != unit_id:
            old_unit, new_unit = _unit_text(units.get(known.unit_id)), _unit_text(units.get(unit_id))
            await audit.unit(
                import_audit.PERSON_MOVED, unit_id, f"{person.name}: {old_unit}", f"{person.name}: {new_unit}"
            )
    if department != known.department:
        await uow.people.set_department(known.id, department)
        changed = True
        old_department, new_department = known.department or "—", department or "—"
        await audit.unit(
            import_audit.PERSON_DEPARTMENT,
            unit_id,
            f"{person.name}: {old_department}",
            f"{person.name}: {new_department}",
        )
    if changed:
        report.people_changed.append(person.phone)
    else:
        report.unchanged += 1
