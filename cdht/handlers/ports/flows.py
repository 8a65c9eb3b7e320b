"""An officer's multi-step action in progress (compose a broadcast, return answers, record a decision): one
JSON state per person. What the state means is the handlers' business (`cdht.handlers.flows`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol


class FlowRepository(Protocol):
    async def get(self, person_id: int) -> dict[str, Any] | None:
        """The person's stored flow state, or None when they have none."""
        ...

    async def save(self, person_id: int, state: dict[str, Any], now: datetime) -> None:
        """Store the person's flow state, replacing any earlier one."""
        ...

    async def clear(self, person_id: int) -> None:
        """Forget the person's flow (nothing happens when there is none)."""
        ...
