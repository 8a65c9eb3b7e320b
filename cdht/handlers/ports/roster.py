"""People, their chat accounts and the unit tree they belong to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cdht.handlers.ports.answers import YearRecord

TIERS = ("province", "district", "commune", "village")
ROLES = ("village_head", "commune_officer", "district_admin", "province_admin")


@dataclass(frozen=True)
class UnitRecord:
    id: int
    code: str
    name: str
    tier: str
    parent_id: int | None


@dataclass(frozen=True)
class PersonRecord:
    id: int
    name: str
    phone: str
    role: str
    unit_id: int
    department: str | None = None
    active: bool = True
    reachable: bool = True


@dataclass(frozen=True)
class InviteRecord:
    """A one-time invite code: whom it links, who made it (None: from the command line), until when."""

    code: str
    person_id: int
    created_at: datetime
    expires_at: datetime | None
    issuer_id: int | None = None
    used_at: datetime | None = None


@dataclass(frozen=True)
class IdentityRecord:
    person_id: int
    channel: str
    external_id: str
    chat_id: str


class UnitRepository(Protocol):
    async def get(self, unit_id: int) -> UnitRecord | None: ...
    async def with_review(self, unit_id: int, year: int) -> tuple[UnitRecord | None, YearRecord | None]: ...
    async def by_code(self, code: str) -> UnitRecord | None: ...
    async def by_codes(self, codes: Sequence[str]) -> dict[str, UnitRecord]: ...
    async def children(self, unit_id: int) -> list[UnitRecord]: ...
    async def subtree(self, unit_id: int) -> list[UnitRecord]: ...
    async def ancestors(self, unit_id: int) -> list[UnitRecord]: ...
    async def all(self) -> list[UnitRecord]: ...
    async def add(
        self, code: str, name: str, tier: str, parent_id: int | None, now: datetime
    ) -> UnitRecord: ...
    async def update(self, unit_id: int, *, name: str, tier: str, parent_id: int | None) -> None: ...


class PersonRepository(Protocol):
    async def get(self, person_id: int) -> PersonRecord | None: ...
    async def by_phone(self, phone: str) -> PersonRecord | None:
        """The active person with this phone; when there is none, the latest added inactive one."""
        ...

    async def all(self) -> list[PersonRecord]: ...
    async def in_units(self, unit_ids: Sequence[int]) -> list[PersonRecord]: ...
    async def page_in_units(
        self, unit_ids: Sequence[int], *, after_id: int, limit: int, role: str | None = None
    ) -> list[PersonRecord]: ...
    async def identities_of(self, person_ids: Sequence[int]) -> dict[int, list[IdentityRecord]]: ...
    async def count_reachable(self, unit_ids: Sequence[int], *, role: str | None, besides: int) -> int: ...
    async def add(self, name: str, phone: str, role: str, unit_id: int, now: datetime) -> PersonRecord: ...
    async def update(self, person_id: int, *, name: str, role: str, unit_id: int) -> None: ...
    async def set_reachable(self, person_id: int, reachable: bool) -> None: ...
    async def set_department(self, person_id: int, department: str | None) -> None:
        """The department (code of the departments list) a district or province person works in; None: none."""
        ...

    async def by_identity(self, channel: str, external_id: str) -> PersonRecord | None: ...
    async def identities(self, person_id: int) -> list[IdentityRecord]: ...
    async def link_identity(
        self, person_id: int, channel: str, external_id: str, chat_id: str, now: datetime
    ) -> None: ...
    async def deactivate(self, person_id: int, now: datetime) -> list[IdentityRecord]:
        """Mark the person inactive and unlink their accounts at once, remembering them as ended
        (`ended_link`); returns the accounts unlinked. Their phone is free for someone else."""
        ...

    async def reactivate(self, person_id: int) -> None:
        """Mark the person active again and forget their ended accounts (they register anew). Raises the
        storage's integrity error when an active person holds their phone."""
        ...

    async def ended_link(self, channel: str, external_id: str) -> PersonRecord | None:
        """The inactive person whose link from this account ended; None when there is none (or they are
        active again)."""
        ...


class InviteRepository(Protocol):
    async def create(
        self,
        code: str,
        person_id: int,
        now: datetime,
        expires_at: datetime | None,
        *,
        issuer_id: int | None = None,
    ) -> None: ...
    async def redeem(self, code: str, now: datetime) -> InviteRecord | None: ...
