"""The appraisal councils and their members' written opinions (TT 25/2023 Điều 9.2.b–c)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from cdht.handlers.ports.procedure import CouncilMember, CouncilRecord, CouncilRole, OpinionRecord
from cdht.storage.tables import Council, CouncilMemberRow, Opinion


class SqlCouncilRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _record(self, row: Council) -> CouncilRecord:
        members = await self._session.scalars(
            select(CouncilMemberRow)
            .where(CouncilMemberRow.council_id == row.id)
            .order_by(CouncilMemberRow.position)
        )
        return CouncilRecord(
            id=row.id,
            body_unit_id=row.body_unit_id,
            year=row.year,
            members=tuple(CouncilMember(m.person_id, cast(CouncilRole, m.role)) for m in members),
            created_by=row.created_by,
            created_at=row.created_at,
        )

    async def save(
        self, body_unit_id: int, year: int, members: tuple[CouncilMember, ...], created_by: int, now: datetime
    ) -> CouncilRecord:
        row = await self._session.scalar(
            select(Council).where(Council.body_unit_id == body_unit_id, Council.year == year)
        )
        if row is None:
            row = Council(body_unit_id=body_unit_id, year=year, created_by=created_by, created_at=now)
            self._session.add(row)
        else:
            row.created_by = created_by
            row.created_at = now
            await self._session.execute(delete(CouncilMemberRow).where(CouncilMemberRow.council_id == row.id))
        await self._session.flush()
        self._session.add_all(
            CouncilMemberRow(council_id=row.id, person_id=member.person_id, role=member.role, position=index)
            for index, member in enumerate(members)
        )
        await self._session.flush()
        return await self._record(row)

    async def for_body(self, body_unit_id: int, year: int) -> CouncilRecord | None:
        row = await self._session.scalar(
            select(Council).where(Council.body_unit_id == body_unit_id, Council.year == year)
        )
        return None if row is None else await self._record(row)

    async def of_member(self, person_id: int, year: int) -> list[CouncilRecord]:
        rows = await self._session.scalars(
            select(Council)
            .join(CouncilMemberRow, CouncilMemberRow.council_id == Council.id)
            .where(CouncilMemberRow.person_id == person_id, Council.year == year)
            .order_by(Council.id)
        )
        return [await self._record(row) for row in list(rows)]


class SqlOpinionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(
        self,
        dossier_id: int,
        member_person_id: int,
        criterion: str,
        agrees: bool,
        comment: str,
        now: datetime,
    ) -> None:
        row = await self._session.get(Opinion, (dossier_id, member_person_id, criterion))
        if row is None:
            self._session.add(
                Opinion(
                    dossier_id=dossier_id,
                    member_person_id=member_person_id,
                    criterion=criterion,
                    agrees=agrees,
                    comment=comment,
                    recorded_at=now,
                )
            )
        else:
            row.agrees, row.comment, row.recorded_at = agrees, comment, now
        await self._session.flush()

    async def for_dossier(self, dossier_id: int) -> list[OpinionRecord]:
        rows = await self._session.scalars(
            select(Opinion)
            .where(Opinion.dossier_id == dossier_id)
            .order_by(Opinion.member_person_id, Opinion.criterion)
        )
        return [
            OpinionRecord(
                dossier_id=row.dossier_id,
                member_person_id=row.member_person_id,
                criterion=row.criterion,
                agrees=row.agrees,
                comment=row.comment,
                recorded_at=row.recorded_at,
            )
            for row in rows
        ]
