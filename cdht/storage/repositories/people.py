from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports import IdentityRecord, InviteRecord, PersonRecord
from cdht.storage.batching import reads_ahead, remembered
from cdht.storage.repositories.flows import remember_flows
from cdht.storage.tables import EndedIdentity, Identity, InviteCode, OfficerFlow, Person, table_of

_PEOPLE = table_of(Person)
_IDENTITIES = table_of(Identity)
_FLOWS = table_of(OfficerFlow)
_BY_IDENTITY = (  # on every message: built once
    select(_PEOPLE)
    .join(_IDENTITIES, _IDENTITIES.c.person_id == _PEOPLE.c.id)
    .where(
        _IDENTITIES.c.channel == bindparam("channel"), _IDENTITIES.c.external_id == bindparam("external_id")
    )
)
_BY_IDENTITIES = (  # the senders of an inbox batch, with their flows (read on each of their messages)
    select(_PEOPLE, _IDENTITIES.c.external_id.label("identity_external_id"), _FLOWS.c.state.label("flow"))
    .join(_IDENTITIES, _IDENTITIES.c.person_id == _PEOPLE.c.id)
    .outerjoin(_FLOWS, _FLOWS.c.person_id == _PEOPLE.c.id)
    .where(
        _IDENTITIES.c.channel == bindparam("channel"),
        _IDENTITIES.c.external_id.in_(bindparam("external_ids", expanding=True)),
    )
)
_AHEAD = ("people.by_identity", ("people", "identities"))


def person_record(row: Any, prefix: str = "") -> PersonRecord:
    """A person from a people row or entity (from a joined row: its columns labelled `prefix` + name)."""
    return PersonRecord(
        id=getattr(row, f"{prefix}id"),
        name=getattr(row, f"{prefix}name"),
        phone=getattr(row, f"{prefix}phone"),
        role=getattr(row, f"{prefix}role"),
        unit_id=getattr(row, f"{prefix}unit_id"),
        department=getattr(row, f"{prefix}department"),
        active=getattr(row, f"{prefix}active"),
        reachable=getattr(row, f"{prefix}reachable"),
    )


_record = person_record


async def prefetch_people(
    session: AsyncSession, channel: str, external_ids: Sequence[str]
) -> list[PersonRecord]:
    """The people behind these accounts, read in one query; `by_identity` answers from it until the
    transaction writes people or identities (a batching session only). Their flows come with them."""
    known = reads_ahead(session, *_AHEAD)
    wanted = sorted({i for i in external_ids if (channel, i) not in known})
    if wanted:
        result = await session.execute(_BY_IDENTITIES, {"channel": channel, "external_ids": wanted})
        rows = result.all()
        found = {row.identity_external_id: _record(row) for row in rows}
        remember_flows(session, {row.id: row.flow for row in rows})
        for external_id in wanted:
            known[(channel, external_id)] = found.get(external_id)
    return [person for i in dict.fromkeys(external_ids) if (person := known.get((channel, i))) is not None]


class SqlPersonRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, person_id: int) -> PersonRecord | None:
        row = await self._session.get(Person, person_id)
        return _record(row) if row else None

    async def by_phone(self, phone: str) -> PersonRecord | None:
        """The active holder of the phone (at most one: `uq_people_phone_active`), else the latest inactive."""
        row = await self._session.scalar(
            select(Person)
            .where(Person.phone == phone)
            .order_by(Person.active.desc(), Person.id.desc())
            .limit(1)
        )
        return _record(row) if row else None

    async def all(self) -> list[PersonRecord]:
        return [_record(row) for row in await self._session.scalars(select(Person).order_by(Person.id))]

    async def in_units(self, unit_ids: Sequence[int]) -> list[PersonRecord]:
        if not unit_ids:
            return []
        rows = await self._session.scalars(
            select(Person).where(Person.unit_id.in_(list(unit_ids))).order_by(Person.id)
        )
        return [_record(row) for row in rows]

    async def page_in_units(
        self, unit_ids: Sequence[int], *, after_id: int, limit: int, role: str | None = None
    ) -> list[PersonRecord]:
        """Active people of these units with an id after `after_id`, by id: one page of an audience."""
        if not unit_ids:
            return []
        query = select(Person).where(
            Person.unit_id.in_(list(unit_ids)), Person.id > after_id, Person.active.is_(True)
        )
        if role is not None:
            query = query.where(Person.role == role)
        rows = await self._session.scalars(query.order_by(Person.id).limit(limit))
        return [_record(row) for row in rows]

    async def identities_of(self, person_ids: Sequence[int]) -> dict[int, list[IdentityRecord]]:
        found: dict[int, list[IdentityRecord]] = {}
        if person_ids:
            rows = await self._session.scalars(
                select(Identity).where(Identity.person_id.in_(list(person_ids)))
            )
            for r in rows:
                found.setdefault(r.person_id, []).append(
                    IdentityRecord(r.person_id, r.channel, r.external_id, r.chat_id)
                )
        return found

    async def count_reachable(self, unit_ids: Sequence[int], *, role: str | None, besides: int) -> int:
        """Active, reachable people of these units with a linked account (but `besides`): one query."""
        if not unit_ids:
            return 0
        query = (
            select(func.count())
            .select_from(Person)
            .where(
                Person.unit_id.in_(list(unit_ids)),
                Person.active.is_(True),
                Person.reachable.is_(True),
                Person.id != besides,
                exists().where(Identity.person_id == Person.id),
            )
        )
        if role is not None:
            query = query.where(Person.role == role)
        return int(await self._session.scalar(query) or 0)

    async def add(self, name: str, phone: str, role: str, unit_id: int, now: datetime) -> PersonRecord:
        row = Person(name=name, phone=phone, role=role, unit_id=unit_id, created_at=now)
        self._session.add(row)
        await self._session.flush()
        return _record(row)

    async def update(self, person_id: int, *, name: str, role: str, unit_id: int) -> None:
        await self._session.execute(
            update(Person).where(Person.id == person_id).values(name=name, role=role, unit_id=unit_id)
        )

    async def set_reachable(self, person_id: int, reachable: bool) -> None:
        await self._session.execute(update(Person).where(Person.id == person_id).values(reachable=reachable))

    async def set_department(self, person_id: int, department: str | None) -> None:
        await self._session.execute(
            update(Person).where(Person.id == person_id).values(department=department)
        )

    async def by_identity(self, channel: str, external_id: str) -> PersonRecord | None:
        known = remembered(self._session, *_AHEAD)
        if known is not None and (channel, external_id) in known:
            return known[(channel, external_id)]  # type: ignore[no-any-return]
        result = await self._session.execute(_BY_IDENTITY, {"channel": channel, "external_id": external_id})
        row = result.first()
        return _record(row) if row else None

    async def identities(self, person_id: int) -> list[IdentityRecord]:
        rows = await self._session.scalars(select(Identity).where(Identity.person_id == person_id))
        return [IdentityRecord(r.person_id, r.channel, r.external_id, r.chat_id) for r in rows]

    async def link_identity(
        self, person_id: int, channel: str, external_id: str, chat_id: str, now: datetime
    ) -> None:
        """Link an account to a person; the account leaves any other person, and the person's old
        account on that channel is replaced (a changed phone or Telegram account is re-linked)."""
        await self._session.execute(
            delete(Identity).where(
                (Identity.channel == channel)
                & ((Identity.external_id == external_id) | (Identity.person_id == person_id))
            )
        )
        await self._session.execute(
            delete(EndedIdentity).where(
                (EndedIdentity.channel == channel) & (EndedIdentity.external_id == external_id)
            )
        )
        self._session.add(
            Identity(
                person_id=person_id, channel=channel, external_id=external_id, chat_id=chat_id, linked_at=now
            )
        )
        await self._session.flush()

    async def deactivate(self, person_id: int, now: datetime) -> list[IdentityRecord]:
        """Inactive, with every account unlinked and remembered as ended; returns those accounts."""
        unlinked = await self.identities(person_id)
        await self._session.execute(update(Person).where(Person.id == person_id).values(active=False))
        await self._session.execute(delete(Identity).where(Identity.person_id == person_id))
        for identity in unlinked:
            await self._session.execute(
                delete(EndedIdentity).where(
                    (EndedIdentity.channel == identity.channel)
                    & (EndedIdentity.external_id == identity.external_id)
                )
            )
            self._session.add(
                EndedIdentity(
                    person_id=person_id,
                    channel=identity.channel,
                    external_id=identity.external_id,
                    ended_at=now,
                )
            )
        await self._session.flush()
        return unlinked

    async def reactivate(self, person_id: int) -> None:
        await self._session.execute(update(Person).where(Person.id == person_id).values(active=True))
        await self._session.execute(delete(EndedIdentity).where(EndedIdentity.person_id == person_id))

    async def ended_link(self, channel: str, external_id: str) -> PersonRecord | None:
        row = await self._session.scalar(
            select(Person)
            .join(EndedIdentity, EndedIdentity.person_id == Person.id)
            .where(
                EndedIdentity.channel == channel,
                EndedIdentity.external_id == external_id,
                Person.active.is_(False),
            )
        )
        return _record(row) if row else None


class SqlInviteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(
        self,
        code: str,
        person_id: int,
        now: datetime,
        expires_at: datetime | None,
        *,
        issuer_id: int | None = None,
    ) -> None:
        self._session.add(
            InviteCode(
                code=code, person_id=person_id, created_at=now, expires_at=expires_at, issuer_id=issuer_id
            )
        )
        await self._session.flush()

    async def redeem(self, code: str, now: datetime) -> InviteRecord | None:
        """Use a one-time code: the code as used (whom it links, who made it), or None (unknown, used,
        expired)."""
        row = await self._session.get(InviteCode, code, with_for_update=True)
        if row is None or row.used_at is not None:
            return None
        if row.expires_at is not None and row.expires_at <= now:
            return None
        row.used_at = now
        await self._session.flush()
        return InviteRecord(
            row.code, row.person_id, row.created_at, row.expires_at, row.issuer_id, row.used_at
        )
