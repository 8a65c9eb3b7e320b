"""Both receiving modes end here: raw updates are written to the inbox and committed, and only then
acknowledged (the webhook answers 200; polling moves its offset past them). A redelivered update hits the
inbox's unique key (channel, update id) and changes nothing. Webhook calls that arrive together share one
transaction (`GroupCommit`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from cdht.bot.group_commit import GroupCommit
from cdht.bot.telegram.acknowledge import Acknowledger
from cdht.bot.telegram.decode import CHANNEL, user_key
from cdht.handlers.ports import UnitOfWorkFactory


class UpdateIntake:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Callable[[], datetime],
        acknowledger: Acknowledger,
        on_stored: Callable[[], None] = lambda: None,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._acknowledger = acknowledger
        self.on_stored = on_stored
        self._group = GroupCommit(self._write)

    async def store(self, updates: Sequence[dict[str, Any]]) -> int:
        """Store raw updates; returns how many were new, once they are committed."""
        if not updates:
            return 0
        added = sum(await self._group.submit(updates))
        for payload in updates:
            self._acknowledger.after_commit(payload)
        return added

    async def _write(self, updates: Sequence[dict[str, Any]]) -> list[bool]:
        """One transaction; for each update whether it was new."""
        async with self._uow_factory() as uow:
            now = self._clock()
            new = await uow.inbox.add_many(
                CHANNEL, [(str(p["update_id"]), user_key(p), dict(p)) for p in updates], now
            )
            await uow.commit()
        self.on_stored()
        return new
