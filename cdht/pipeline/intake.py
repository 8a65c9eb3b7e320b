"""Where every channel's receiving ends: raw updates are written to the inbox and committed, and only then
acknowledged (a webhook answers 200; polling asks for the next ones). A redelivered update hits the inbox's
unique key (channel, external id) and changes nothing. Calls that arrive together share one transaction
(`GroupCommit`). What is particular to a channel comes in as three small functions: `read`, `prepare` and
`after_commit`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cdht.handlers.ports import UnitOfWork, UnitOfWorkFactory
from cdht.pipeline.group_commit import GroupCommit


@dataclass(frozen=True)
class RawUpdate:
    """An update on its way into the inbox."""

    external_id: str  # unique within the channel: a redelivery is known by it
    user_key: str  # one person's updates are handled one at a time, in order
    payload: dict[str, Any]  # stored as it came; the channel's decoder reads it later


Read = Callable[[dict[str, Any]], RawUpdate | None]
Prepare = Callable[[UnitOfWork, RawUpdate], Awaitable[RawUpdate]]


class Intake:
    def __init__(
        self,
        channel: str,
        uow_factory: UnitOfWorkFactory,
        clock: Callable[[], datetime],
        *,
        read: Read,
        prepare: Prepare | None = None,
        after_commit: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        """`read` says what a received payload is for the inbox (None: not an update, skipped); `prepare`
        completes an update inside the transaction that stores it (Zalo resolves a typed number there);
        `after_commit` is called with each payload once it is stored (Telegram answers a button tap)."""
        self._channel = channel
        self._uow_factory = uow_factory
        self._clock = clock
        self._read = read
        self._prepare = prepare
        self._after_commit = after_commit
        self.on_stored: Callable[[], None] = lambda: None  # the runner wakes the inbox loop with it
        self._group = GroupCommit(self._write)

    async def store(self, payloads: Sequence[dict[str, Any]]) -> int:
        """Store raw updates; returns how many were new, once they are committed."""
        updates = [update for payload in payloads if (update := self._read(payload)) is not None]
        if not updates:
            return 0
        added = sum(await self._group.submit(updates))
        if self._after_commit is not None:
            for update in updates:
                self._after_commit(update.payload)
        return added

    async def _write(self, updates: Sequence[RawUpdate]) -> list[bool]:
        """One transaction; for each update whether it was new."""
        async with self._uow_factory() as uow:
            if self._prepare is not None:
                updates = [await self._prepare(uow, update) for update in updates]
            now = self._clock()
            new = await uow.inbox.add_many(
                self._channel, [(u.external_id, u.user_key, u.payload) for u in updates], now
            )
            await uow.commit()
        self.on_stored()
        return new
