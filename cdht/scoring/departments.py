"""The departments of a district or province and the indicators each owns: data, not code.

The packaged list (`criteria/departments.yaml`) follows a district's assignment letter for the district's
Phòng and the circular's own names for the province's Sở (each department says which tiers have it, and each
tier has its lead); an installation points `CDHT_DEPARTMENTS_FILE` at its own copy when names or duties
differ (the 2025 reorganisation merged offices). The composition root loads the file once (`use_departments`); everything else asks
`active_departments()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cdht.scoring.criteria_set import SAFE_LOADER, SET_BY_TIER, criteria_set_for_tier

CODE_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"  # people.department is VARCHAR(64)
DepartmentTier = Literal["district", "province"]
DEPARTMENT_TIERS: tuple[DepartmentTier, ...] = (
    "district",
    "province",
)  # the tiers whose admins have departments


class DepartmentsError(ValueError):
    pass


class Department(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1)
    tiers: tuple[DepartmentTier, ...] = ()
    """The tiers whose units have this department (a district's Phòng, a province's Sở); none: every tier."""
    indicators: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)
    """Per tier ("district", "province"), the ids of the indicators whose questions this department answers."""

    def serves(self, tier: str) -> bool:
        return not self.tiers or tier in self.tiers


class Departments(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    lead: str | Mapping[DepartmentTier, str]
    """The lead department: one code for every tier, or one per tier ({district: phong_gddt, province: so_gddt})."""
    departments: tuple[Department, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Departments:
        codes = [d.code for d in self.departments]
        if len(set(codes)) != len(codes):
            raise ValueError(f"department codes repeat: {codes}")
        if not isinstance(self.lead, str) and set(self.lead) != set(DEPARTMENT_TIERS):
            raise ValueError(f"name the lead of each tier {list(DEPARTMENT_TIERS)}, or one lead for all")
        for lead_tier in DEPARTMENT_TIERS:
            lead = self.lead_of(lead_tier)
            lead_department = self.get(lead)
            if lead_department is None:
                raise ValueError(f"the lead {lead!r} is not one of the departments {codes}")
            if not lead_department.serves(lead_tier):
                raise ValueError(f"the {lead_tier} lead {lead!r} is not a department of the {lead_tier} tier")
        owners: dict[tuple[str, str], str] = {}
        for department in self.departments:
            for tier, indicators in department.indicators.items():
                if tier not in SET_BY_TIER:
                    raise ValueError(
                        f"{department.code}: unknown tier {tier!r}; tiers: {sorted(SET_BY_TIER)}"
                    )
                if not department.serves(tier):
                    raise ValueError(
                        f"{department.code} owns {tier} indicators but is a department of {list(department.tiers)}"
                    )
                known = {i.id for i in criteria_set_for_tier(tier).indicators}
                for indicator in indicators:
                    if indicator not in known:
                        raise ValueError(f"{department.code}: {tier} has no indicator {indicator!r}")
                    other = owners.setdefault((tier, indicator), department.code)
                    if other != department.code:
                        raise ValueError(
                            f"{tier} indicator {indicator} is owned by {other} and {department.code}"
                        )
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.departments)

    def at(self, tier: str) -> tuple[Department, ...]:
        """The departments a unit of `tier` has (a district's Phòng, a province's Sở)."""
        return tuple(d for d in self.departments if d.serves(tier))

    def get(self, code: str | None) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def lead_of(self, tier: str) -> str:
        """The lead department of a tier (Phòng GD&ĐT of a district, Sở GD&ĐT of a province)."""
        if isinstance(self.lead, str):
            return self.lead
        by_tier = {str(key): code for key, code in self.lead.items()}  # each department tier: checked on load
        return by_tier.get(tier, by_tier[DEPARTMENT_TIERS[0]])

    @property
    def leads(self) -> frozenset[str]:
        return frozenset({self.lead} if isinstance(self.lead, str) else self.lead.values())

    def name(self, code: str | None, tier: str = DEPARTMENT_TIERS[0]) -> str:
        """The department's name; the tier's lead's for no department (its people see everything)."""
        department = self.get(code) or self.get(self.lead_of(tier))
        return department.name if department else (code or "")

    def is_lead(self, code: str | None) -> bool:
        """No department, a lead, or a code no longer listed: sees and assembles everything."""
        return code is None or code in self.leads or self.get(code) is None

    def owner_of(self, tier: str, indicator: str) -> str:
        """Who answers an indicator: the department that owns it, else the tier's lead."""
        for department in self.departments:
            if indicator in department.indicators.get(tier, ()):
                return department.code
        return self.lead_of(tier)


def parse_departments(text: str, source: str = "departments.yaml") -> Departments:
    try:
        return Departments.model_validate(yaml.load(text, Loader=SAFE_LOADER))  # noqa: S506 - safe
    except (yaml.YAMLError, ValidationError) as error:
        raise DepartmentsError(f"{source}: {error}") from error


@cache
def packaged_departments() -> Departments:
    text = (resources.files("cdht.scoring") / "criteria" / "departments.yaml").read_text(encoding="utf-8")
    return parse_departments(text)


def load_departments(path: Path | None = None) -> Departments:
    """The list at `path` (settings.departments_file), else the packaged one."""
    if path is None:
        return packaged_departments()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DepartmentsError(f"cannot read the departments file {path}: {error}") from error
    return parse_departments(text, str(path))


_active: list[Departments] = []


def use_departments(departments: Departments | None) -> Departments | None:
    """Make `departments` the list in force (None: the packaged one); returns the one it replaces."""
    previous = _active[0] if _active else None
    _active[:] = [departments] if departments is not None else []
    return previous


def active_departments() -> Departments:
    return _active[0] if _active else packaged_departments()
