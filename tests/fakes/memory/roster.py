"""Units, people, their accounts and invite codes, in memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from cdht.handlers.ports import IdentityRecord, InviteRecord, PersonRecord, UnitRecord, YearRecord
from cdht.storage.repositories.units import MAX_DEPTH
from tests.fakes.memory.database import Transaction
from tests.fakes.memory.tables import ConstraintViolation, InviteRow, Tables, require


class MemoryUnitRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def get(self, unit_id: int) -> UnitRecord | None:
        return self._tx.tables.units.get(unit_id)

    async def with_review(self, unit_id: int, year: int) -> tuple[UnitRecord | None, YearRecord | None]:
        unit = self._tx.tables.units.get(unit_id)
        return (None, None) if unit is None else (unit, self._tx.tables.years.get((unit_id, year)))

    async def by_code(self, code: str) -> UnitRecord | None:
        return next((unit for unit in self._tx.tables.units.values() if unit.code == code), None)

    async def by_codes(self, codes: Sequence[str]) -> dict[str, UnitRecord]:
        wanted = set(codes)
        return {unit.code: unit for unit in self._tx.tables.units.values() if unit.code in wanted}

    async def children(self, unit_id: int) -> list[UnitRecord]:
        found = [unit for unit in self._tx.tables.units.values() if unit.parent_id == unit_id]
        return sorted(found, key=lambda unit: unit.code)

    async def subtree(self, unit_id: int) -> list[UnitRecord]:
        """Level by level to MAX_DEPTH, by id within a level, each unit once at its first level, as the SQL
        recursive query walks it."""
        units = self._tx.tables.units
        level = [units[unit_id]] if unit_id in units else []
        found: dict[int, UnitRecord] = {}
        for _ in range(MAX_DEPTH + 1):
            for unit in sorted(level, key=lambda unit: unit.id):
                found.setdefault(unit.id, unit)
            parents = {unit.id for unit in level}
            level = [unit for unit in units.values() if unit.parent_id in parents]
        return list(found.values())

    async def ancestors(self, unit_id: int) -> list[UnitRecord]:
        """The unit, then its parent and so on: at most MAX_DEPTH steps up, each unit once."""
        units = self._tx.tables.units
        found: dict[int, UnitRecord] = {}
        unit = units.get(unit_id)
        for _ in range(MAX_DEPTH + 1):
            if unit is None or unit.id in found:
                break
            found[unit.id] = unit
            unit = units.get(unit.parent_id) if unit.parent_id is not None else None
        return list(found.values())

    async def all(self) -> list[UnitRecord]:
        return sorted(self._tx.tables.units.values(), key=lambda unit: unit.id)

    async def add(self, code: str, name: str, tier: str, parent_id: int | None, now: datetime) -> UnitRecord:
        unit = UnitRecord(self._tx.new_id("units"), code, name, tier, parent_id)

        def add(tables: Tables) -> UnitRecord:
            require(tables.units, parent_id, "unit")
            if any(other.code == code for other in tables.units.values()):
                raise ConstraintViolation(f"unit code {code!r} is taken")
            tables.units[unit.id] = unit
            return unit

        return self._tx.write(add)

    async def update(self, unit_id: int, *, name: str, tier: str, parent_id: int | None) -> None:
        def update(tables: Tables) -> None:
            require(tables.units, parent_id, "unit")
            if (unit := tables.units.get(unit_id)) is not None:
                tables.units[unit_id] = replace(unit, name=name, tier=tier, parent_id=parent_id)

        self._tx.write(update)


def _identities(tables: Tables, person_ids: Sequence[int]) -> dict[int, list[IdentityRecord]]:
    wanted = set(person_ids)
    found: dict[int, list[IdentityRecord]] = {}
    for _, identity in sorted(tables.identities.items()):
        if identity.person_id in wanted:
            found.setdefault(identity.person_id, []).append(identity)
    return found


class MemoryPersonRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def get(self, person_id: int) -> PersonRecord | None:
        return self._tx.tables.people.get(person_id)

    async def by_phone(self, phone: str) -> PersonRecord | None:
        """The active holder of the phone, else the latest added inactive one."""
        holders = [p for p in self._tx.tables.people.values() if p.phone == phone]
        return max(holders, key=lambda p: (p.active, p.id), default=None)

    async def all(self) -> list[PersonRecord]:
        return sorted(self._tx.tables.people.values(), key=lambda person: person.id)

    async def in_units(self, unit_ids: Sequence[int]) -> list[PersonRecord]:
        wanted = set(unit_ids)
        return [person for person in await self.all() if person.unit_id in wanted]

    async def page_in_units(
        self, unit_ids: Sequence[int], *, after_id: int, limit: int, role: str | None = None
    ) -> list[PersonRecord]:
        page = [
            person
            for person in await self.in_units(unit_ids)
            if person.id > after_id and person.active and (role is None or person.role == role)
        ]
        return page[:limit]

    async def identities_of(self, person_ids: Sequence[int]) -> dict[int, list[IdentityRecord]]:
        return _identities(self._tx.tables, person_ids)

    async def count_reachable(self, unit_ids: Sequence[int], *, role: str | None, besides: int) -> int:
        linked = {identity.person_id for identity in self._tx.tables.identities.values()}
        return sum(
            1
            for person in await self.in_units(unit_ids)
            if person.active
            and person.reachable
            and person.id != besides
            and person.id in linked
            and (role is None or person.role == role)
        )

    async def add(self, name: str, phone: str, role: str, unit_id: int, now: datetime) -> PersonRecord:
        person = PersonRecord(self._tx.new_id("people"), name, phone, role, unit_id)

        def add(tables: Tables) -> PersonRecord:
            require(tables.units, unit_id, "unit")
            _phone_free(tables, phone, person.id)
            tables.people[person.id] = person
            return person

        return self._tx.write(add)

    async def update(self, person_id: int, *, name: str, role: str, unit_id: int) -> None:
        self._change(person_id, name=name, role=role, unit_id=unit_id)

    async def set_reachable(self, person_id: int, reachable: bool) -> None:
        self._change(person_id, reachable=reachable)

    async def set_department(self, person_id: int, department: str | None) -> None:
        self._change(person_id, department=department)

    def _change(self, person_id: int, **values: object) -> None:
        def change(tables: Tables) -> None:
            require(tables.units, values.get("unit_id"), "unit")
            if (person := tables.people.get(person_id)) is not None:
                tables.people[person_id] = replace(person, **values)  # type: ignore[arg-type]

        self._tx.write(change)

    async def by_identity(self, channel: str, external_id: str) -> PersonRecord | None:
        tables = self._tx.tables
        for identity in tables.identities.values():
            if identity.channel == channel and identity.external_id == external_id:
                return tables.people.get(identity.person_id)
        return None

    async def identities(self, person_id: int) -> list[IdentityRecord]:
        return _identities(self._tx.tables, [person_id]).get(person_id, [])

    async def link_identity(
        self, person_id: int, channel: str, external_id: str, chat_id: str, now: datetime
    ) -> None:
        """The account leaves any other person; the person's old account on that channel is replaced."""
        identity_id = self._tx.new_id("identities")

        def link(tables: Tables) -> None:
            require(tables.people, person_id, "person")
            for key, old in list(tables.identities.items()):
                if old.channel == channel and (old.external_id == external_id or old.person_id == person_id):
                    del tables.identities[key]
            tables.identities[identity_id] = IdentityRecord(person_id, channel, external_id, chat_id)
            tables.ended_identities.pop((channel, external_id), None)

        self._tx.write(link)

    async def deactivate(self, person_id: int, now: datetime) -> list[IdentityRecord]:
        """Inactive, with every account unlinked and remembered as ended; returns those accounts."""

        def deactivate(tables: Tables) -> list[IdentityRecord]:
            unlinked = _identities(tables, [person_id]).get(person_id, [])
            if (person := tables.people.get(person_id)) is not None:
                tables.people[person_id] = replace(person, active=False)
            for key, identity in list(tables.identities.items()):
                if identity.person_id == person_id:
                    del tables.identities[key]
                    tables.ended_identities[(identity.channel, identity.external_id)] = person_id
            return unlinked

        return self._tx.write(deactivate)

    async def reactivate(self, person_id: int) -> None:
        def reactivate(tables: Tables) -> None:
            if (person := tables.people.get(person_id)) is not None:
                _phone_free(tables, person.phone, person_id)
                tables.people[person_id] = replace(person, active=True)
            for key, owner in list(tables.ended_identities.items()):
                if owner == person_id:
                    del tables.ended_identities[key]

        self._tx.write(reactivate)

    async def ended_link(self, channel: str, external_id: str) -> PersonRecord | None:
        person_id = self._tx.tables.ended_identities.get((channel, external_id))
        person = self._tx.tables.people.get(person_id) if person_id is not None else None
        return person if person is not None and not person.active else None


def _phone_free(tables: Tables, phone: str, person_id: int) -> None:
    """`uq_people_phone_active`: one active person per phone (the person about to be active is `person_id`)."""
    if any(
        other.phone == phone and other.active and other.id != person_id for other in tables.people.values()
    ):
        raise ConstraintViolation(f"phone {phone!r} is taken")


class MemoryInviteRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def create(
        self,
        code: str,
        person_id: int,
        now: datetime,
        expires_at: datetime | None,
        *,
        issuer_id: int | None = None,
    ) -> None:
        def create(tables: Tables) -> None:
            require(tables.people, person_id, "person")
            require(tables.people, issuer_id, "person")
            if code in tables.invites:
                raise ConstraintViolation(f"invite code {code!r} exists")
            tables.invites[code] = InviteRow(code, person_id, expires_at, issuer_id=issuer_id, created_at=now)

        self._tx.write(create)

    async def redeem(self, code: str, now: datetime) -> InviteRecord | None:
        """A one-time code as used (its person, its issuer), or None (unknown, used, expired)."""

        def redeem(tables: Tables) -> InviteRecord | None:
            invite = tables.invites.get(code)
            if invite is None or invite.used_at is not None:
                return None
            if invite.expires_at is not None and invite.expires_at <= now:
                return None
            tables.invites[code] = replace(invite, used_at=now)
            return InviteRecord(
                code, invite.person_id, invite.created_at or now, invite.expires_at, invite.issuer_id, now
            )

        return self._tx.write(redeem)
