"""The inbox batch's unit of work: a batching session (`batching.BatchingSession`) and one `prefetch` that
reads what handling the batch's updates will read, in one query per table instead of one per update."""

from __future__ import annotations

from collections.abc import Sequence

from cdht.handlers.ports import SessionsOf
from cdht.storage.repositories.people import prefetch_people
from cdht.storage.repositories.sessions import Wanted, prefetch_sessions
from cdht.storage.repositories.units import prefetch_with_review
from cdht.storage.unit_of_work import SqlUnitOfWork


class SqlBatchUnitOfWork(SqlUnitOfWork):
    async def prefetch(self, accounts: Sequence[tuple[str, str]], sessions_of: SessionsOf, year: int) -> None:
        """The people behind the accounts with their flows (one query), the sessions `sessions_of` names for
        each active one, and the units (with their review state in `year`) of those with sessions."""
        by_channel: dict[str, list[str]] = {}
        for channel, external_id in accounts:
            by_channel.setdefault(channel, []).append(external_id)
        wanted: list[Wanted] = []
        for channel, external_ids in by_channel.items():
            for person in await prefetch_people(self._active, channel, external_ids):
                sessions = sessions_of(person) if person.active else ()
                if sessions:
                    wanted.append((person.id, person.unit_id, sessions))
        if wanted:
            await prefetch_sessions(self._active, wanted)
            await prefetch_with_review(self._active, [unit_id for _, unit_id, _ in wanted], year)
