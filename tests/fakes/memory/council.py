"""Councils and opinions in memory, in the transaction's tables: `Tables.councils` (council id ->
CouncilRecord) and `Tables.opinions` ((dossier, member, criterion) -> OpinionRecord), held to the same contract as the SQL repositories by tests/storage/test_council_contract.py."""

from __future__ import annotations

from datetime import datetime

from cdht.handlers.ports.procedure import CouncilMember, CouncilRecord, OpinionRecord
from tests.fakes.memory.database import Transaction
from tests.fakes.memory.tables import ConstraintViolation, Tables, require

OpinionKey = tuple[int, int, str]  # dossier, member, criterion


def _councils(tables: Tables) -> dict[int, CouncilRecord]:
    return tables.councils


def _opinions(tables: Tables) -> dict[OpinionKey, OpinionRecord]:
    return tables.opinions


class MemoryCouncilRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def save(
        self, body_unit_id: int, year: int, members: tuple[CouncilMember, ...], created_by: int, now: datetime
    ) -> CouncilRecord:
        existing = await self.for_body(body_unit_id, year)
        council_id = existing.id if existing else self._tx.new_id("councils")
        record = CouncilRecord(council_id, body_unit_id, year, tuple(members), created_by, now)

        def save(tables: Tables) -> CouncilRecord:
            require(tables.units, body_unit_id, "unit")
            require(tables.people, created_by, "person")
            if len({m.person_id for m in members}) != len(members):
                raise ConstraintViolation("a person is listed twice in a council")
            for member in members:
                require(tables.people, member.person_id, "person")
            _councils(tables)[council_id] = record
            return record

        return self._tx.write(save)

    async def for_body(self, body_unit_id: int, year: int) -> CouncilRecord | None:
        return next(
            (
                c
                for c in _councils(self._tx.tables).values()
                if c.body_unit_id == body_unit_id and c.year == year
            ),
            None,
        )

    async def of_member(self, person_id: int, year: int) -> list[CouncilRecord]:
        return sorted(
            (
                c
                for c in _councils(self._tx.tables).values()
                if c.year == year and any(m.person_id == person_id for m in c.members)
            ),
            key=lambda c: c.id,
        )


class MemoryOpinionRepository:
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def record(
        self,
        dossier_id: int,
        member_person_id: int,
        criterion: str,
        agrees: bool,
        comment: str,
        now: datetime,
    ) -> None:
        opinion = OpinionRecord(dossier_id, member_person_id, criterion, agrees, comment, now)

        def record(tables: Tables) -> None:
            require(tables.dossiers, dossier_id, "dossier")
            require(tables.people, member_person_id, "person")
            _opinions(tables)[(dossier_id, member_person_id, criterion)] = opinion

        self._tx.write(record)

    async def for_dossier(self, dossier_id: int) -> list[OpinionRecord]:
        return sorted(
            (o for o in _opinions(self._tx.tables).values() if o.dossier_id == dossier_id),
            key=lambda o: (o.member_person_id, o.criterion),
        )
