"""Official administrative units: a province and its communes (xã, phường, đặc khu) with the General
Statistics Office's codes and names after the 01/07/2025 rearrangement, from the `vietnam-provinces` package
(offline: the package ships its data).

An official unit's code is its official code, as the package writes it: two digits for a province ("20"),
five for a commune ("06385", Xã Hữu Lũng); so a roster names them by that code like any other unit. Communes
hang directly under their province (two-tier local government since 07/2025); only villages (thôn, tổ dân
phố) are local knowledge, added by a roster under them. Importing again changes nothing; a name changed in a
later release of the package is updated in place (same code); a commune of the province whose code the
package no longer has is reported and kept."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from cdht.conversations.parsing.folding import fold
from cdht.handlers.admin.unit_tree import TIER_NAMES
from cdht.handlers.ports import AuditRecord, OfficialUnitsUnitOfWork, UnitRecord

ADDED = "official_unit_added"
RENAMED = "official_unit_renamed"
ATTACHED = "official_unit_attached"
PROVINCE_PREFIXES = ("tinh ", "thanh pho ", "tp. ", "tp ")
SPACES = re.compile(r"\s+")
ALIASES = {"saigon": "79", "hcm": "79", "tphcm": "79", "hochiminh": "79", "hn": "01"}  # folded, no spaces


@dataclass(frozen=True)
class OfficialCommune:
    code: str  # five digits
    name: str  # with its kind: «Xã Hữu Lũng», «Phường Lương Văn Tri», «Đặc khu Vân Đồn»


@dataclass(frozen=True)
class OfficialProvince:
    code: str  # two digits
    name: str  # «Tỉnh Lạng Sơn», «Thành phố Hà Nội»
    communes: tuple[OfficialCommune, ...]


@dataclass(frozen=True)
class Catalogue:
    """The official list: every province with its communes, and which release it comes from."""

    provinces: tuple[OfficialProvince, ...]
    source: str  # «vietnam-provinces 2025.10.1»

    def find(self, query: str) -> OfficialProvince:
        """The province named (with or without diacritics or «Tỉnh»/«Thành phố») or coded ("20", "020")."""
        wanted = _key(query)
        wanted = ALIASES.get(wanted.replace(".", "").replace(" ", ""), wanted)
        for province in self.provinces:
            by_code = wanted.isdigit() and int(wanted) == int(province.code)
            if by_code or (wanted and wanted == _key(province.name)):
                return province
        raise UnknownProvince(query, self.close_to(query), self.provinces)

    def close_to(self, query: str, limit: int = 5) -> list[OfficialProvince]:
        keys = {_key(province.name): province for province in self.provinces}
        wanted = _key(query)
        found = difflib.get_close_matches(wanted, list(keys), n=limit, cutoff=0.7)
        found += [key for key in keys if wanted and wanted in key and key not in found]
        return [keys[key] for key in found[:limit]]


class UnknownProvince(LookupError):
    def __init__(
        self, query: str, close: Sequence[OfficialProvince], every: Sequence[OfficialProvince] = ()
    ) -> None:
        self.query, self.close = query, list(close)
        hint = (
            "Có phải: " + "; ".join(f"{p.name} (mã {p.code})" for p in close) + "?"
            if close
            else "Hãy dùng tên (có hoặc không dấu) hoặc mã hai chữ số, ví dụ «Lạng Sơn» hoặc 20"
            + (": " + "; ".join(f"{p.code} {p.name}" for p in every) if every else "")
            + "."
        )
        super().__init__(f"Không tìm thấy tỉnh, thành phố «{query}» trong danh mục hành chính. {hint}")


class OfficialUnitsConflict(ValueError):
    """Stored units that hold official codes but cannot be the official units: nothing was changed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class OfficialImportReport:
    province: OfficialProvince
    source: str
    province_change: str | None = None  # "added", "renamed", or None: unchanged
    added: list[str] = field(default_factory=list)  # commune codes
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (code, old name, new name)
    attached: list[str] = field(default_factory=list)  # top-level communes put under their province
    unchanged: int = 0
    not_listed: list[UnitRecord] = field(default_factory=list)  # the province's communes not in the list

    @property
    def changed(self) -> bool:
        return bool(self.province_change or self.added or self.renamed or self.attached)

    def summary(self) -> str:
        province = self.province
        head = f"{province.name} (mã {province.code}), {len(province.communes)} đơn vị cấp xã theo {self.source}."
        lines = [head]
        if self.province_change == "added":
            lines.append(f"Đã thêm {province.name}.")
        counts = (
            f"Đã thêm {len(self.added)} xã, cập nhật {len(self.renamed) + (self.province_change == 'renamed')} "
            f"tên, {self.unchanged} không đổi."
        )
        lines.append(counts if self.changed else f"Không có gì thay đổi: {counts[0].lower()}{counts[1:]}")
        lines += [f"Đổi tên {code}: {old} → {new}." for code, old, new in self.renamed]
        lines += [
            f"Đặt {code} vào dưới {province.name} (trước đó không có cấp trên)." for code in self.attached
        ]
        if self.not_listed:
            lines.append(
                f"{len(self.not_listed)} đơn vị cấp xã của {province.name} không có trong danh mục (giữ nguyên, "
                "không xoá): " + "; ".join(f"{unit.code} {unit.name}" for unit in self.not_listed) + "."
            )
        return "\n".join(lines)


def _key(text: str) -> str:
    key = SPACES.sub(" ", fold(text)).strip()
    for prefix in PROVINCE_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :].strip()
    return key


def official_name(text: str) -> str:
    """The package's name with its stray double spaces collapsed («Xã  Đại Hải» → «Xã Đại Hải»)."""
    return SPACES.sub(" ", text).strip()


@functools.cache
def packaged_catalogue() -> Catalogue:
    """The list the installed `vietnam-provinces` ships (imported here, only when a command asks)."""
    import vietnam_provinces
    from vietnam_provinces import Province, VietNamDivisionType, Ward

    communes: dict[int, list[OfficialCommune]] = {}
    for ward in Ward.iter_all():
        communes.setdefault(int(ward.province_code), []).append(
            OfficialCommune(f"{int(ward.code):05d}", official_name(ward.name))
        )
    provinces = []
    for province in Province.iter_all():
        name = official_name(province.name)
        if province.division_type == VietNamDivisionType.TINH and not fold(name).startswith("tinh "):
            name = f"Tỉnh {name}"
        own = sorted(communes.get(int(province.code), []), key=lambda commune: commune.code)
        provinces.append(OfficialProvince(f"{int(province.code):02d}", name, tuple(own)))
    return Catalogue(tuple(provinces), f"vietnam-provinces {vietnam_provinces.__version__}")


async def import_official_units(
    uow: OfficialUnitsUnitOfWork,
    province: OfficialProvince,
    now: datetime,
    *,
    source: str,
    year: int | None = None,
    advance: Callable[[int], None] | None = None,
) -> OfficialImportReport:
    """Create or update the province and its communes in one transaction, each change in the audit log of
    its unit (`year`: the assessment year whose log shows it). Raises OfficialUnitsConflict, changing
    nothing, when a stored unit with an official code is of another tier or sits in another tree."""
    step = advance or (lambda _count: None)
    report = OfficialImportReport(province, source)
    stored = await uow.units.by_codes([province.code, *(commune.code for commune in province.communes)])
    known_province = stored.get(province.code)
    subtree = {unit.id: unit for unit in await uow.units.subtree(known_province.id)} if known_province else {}
    problems = _conflicts(province, stored, subtree)
    if problems:
        raise OfficialUnitsConflict(problems)

    async def audit(action: str, unit_id: int, old: str | None, new: str) -> None:
        reason = f"Theo danh mục đơn vị hành chính ({source})"
        await uow.audit.add(
            AuditRecord(action, now, unit_id, year, old_value=old, new_value=new, reason=reason)
        )

    if known_province is None:
        known_province = await uow.units.add(province.code, province.name, "province", None, now)
        report.province_change = "added"
        await audit(ADDED, known_province.id, None, province.name)
    elif known_province.name != province.name:
        await uow.units.update(
            known_province.id, name=province.name, tier="province", parent_id=known_province.parent_id
        )
        report.province_change = "renamed"
        await audit(RENAMED, known_province.id, known_province.name, province.name)
    step(1)
    for commune in province.communes:
        known = stored.get(commune.code)
        if known is None:
            added = await uow.units.add(commune.code, commune.name, "commune", known_province.id, now)
            report.added.append(commune.code)
            await audit(ADDED, added.id, None, commune.name)
        else:
            parent_id = known_province.id if known.parent_id is None else known.parent_id
            if (known.name, known.parent_id) == (commune.name, parent_id):
                report.unchanged += 1
            else:
                await uow.units.update(known.id, name=commune.name, tier="commune", parent_id=parent_id)
                if known.name != commune.name:
                    report.renamed.append((commune.code, known.name, commune.name))
                    await audit(RENAMED, known.id, known.name, commune.name)
                if known.parent_id != parent_id:
                    report.attached.append(commune.code)
                    await audit(ATTACHED, known.id, None, f"{commune.name} thuộc {province.name}")
        step(1)
    listed = {commune.code for commune in province.communes}
    report.not_listed = sorted(
        (unit for unit in subtree.values() if unit.tier == "commune" and unit.code not in listed),
        key=lambda unit: unit.code,
    )
    await uow.commit()
    return report


def _conflicts(
    province: OfficialProvince, stored: dict[str, UnitRecord], subtree: dict[int, UnitRecord]
) -> list[str]:
    problems = []
    known_province = stored.get(province.code)
    if known_province is not None and known_province.tier != "province":
        problems.append(
            f"Mã {province.code} đã là {known_province.name} (cấp {TIER_NAMES.get(known_province.tier, known_province.tier)}), "
            f"không phải {province.name}."
        )
    for commune in province.communes:
        known = stored.get(commune.code)
        if known is None:
            continue
        if known.tier != "commune":
            problems.append(
                f"Mã {commune.code} đã là {known.name} (cấp {TIER_NAMES.get(known.tier, known.tier)}), "
                f"không phải {commune.name} (cấp xã)."
            )
        elif known.parent_id is not None and known.id not in subtree:
            problems.append(
                f"Mã {commune.code} đã là {known.name} ở ngoài {province.name}; hãy đổi mã đơn vị đó trong danh sách "
                "(import-roster) rồi chạy lại."
            )
    return problems
