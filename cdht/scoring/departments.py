"""The departments of a district or province and the indicators each owns: data, not code.

The packaged list (`criteria/departments.yaml`) follows a district's assignment letter; an installation
points `CDHT_DEPARTMENTS_FILE` at its own copy when names or duties differ (the 2025 reorganisation merged
offices). The composition root loads the file once (`use_departments`); everything else asks
`active_departments()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cdht.scoring.criteria_set import SET_BY_TIER, criteria_set_for_tier

CODE_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"  # people.department is VARCHAR(64)


class DepartmentsError(ValueError):
    pass


class Department(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1)
    indicators: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)
    """Per tier ("district", "province"), the ids of the indicators whose questions this department answers."""


class Departments(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    lead: str
    departments: tuple[Department, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Departments:
        codes = [d.code for d in self.departments]
        if len(set(codes)) != len(codes):
            raise ValueError(f"department codes repeat: {codes}")
        if self.lead not in codes:
            raise ValueError(f"the lead {self.lead!r} is not one of the departments {codes}")
        owners: dict[tuple[str, str], str] = {}
        for department in self.departments:
            for tier, indicators in department.indicators.items():
                if tier not in SET_BY_TIER:
                    raise ValueError(
                        f"{department.code}: unknown tier {tier!r}; tiers: {sorted(SET_BY_TIER)}"
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

    def get(self, code: str | None) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def name(self, code: str | None) -> str:
        """The department's name; the lead's for no department (its people see everything)."""
        department = self.get(code) or self.get(self.lead)
        return department.name if department else (code or "")

    def is_lead(self, code: str | None) -> bool:
        """No department, the lead, or a code no longer listed: sees and assembles everything."""
        return code is None or code == self.lead or self.get(code) is None

    def owner_of(self, tier: str, indicator: str) -> str:
        """Who answers an indicator: the department that owns it, else the lead."""
        for department in self.departments:
            if indicator in department.indicators.get(tier, ()):
                return department.code
        return self.lead


def parse_departments(text: str, source: str = "departments.yaml") -> Departments:
    try:
        return Departments.model_validate(yaml.safe_load(text))
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
