"""Both receiving modes end here: raw updates are written to the inbox and committed, and only then
acknowledged (the webhook answers 200; polling moves its offset past them). A redelivered update hits the
inbox's unique key (channel, update id) and changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

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

    async def store(self, updates: Sequence[dict[str, Any]]) -> int:
        """Store raw updates in one transaction; returns how many were new."""
        if not updates:
            return 0
        added = 0
        async with self._uow_factory() as uow:
            now = self._clock()
            for payload in updates:
                update_id = str(payload["update_id"])
                if await uow.inbox.add(CHANNEL, update_id, user_key(payload), dict(payload), now) is not None:
                    added += 1
            await uow.commit()
        self.on_stored()
        for payload in updates:
            self._acknowledger.after_commit(payload)
        return added
