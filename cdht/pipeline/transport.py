"""What a channel's transport is to the outbox sender: one send per outbox row, and what went wrong told by
the kind of error raised, which decides what the sender does next."""

from __future__ import annotations

from typing import Protocol

from cdht.handlers.ports import OutboxRecord, PersonRecord


class SendError(Exception):
    """A delivery failed; the subclass says what to do about it."""


class RetryAfter(SendError):
    """The platform asks us to slow down (HTTP 429)."""

    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {seconds} s")
        self.seconds = seconds


class TemporaryFailure(SendError):
    """Server errors (5xx), timeouts, connection problems: try again later."""


class RecipientUnreachable(SendError):
    """The person blocked the bot or deleted their account (HTTP 403): give up and remember it."""


class PermanentFailure(SendError):
    """The platform refuses this message as it is (HTTP 400): retrying would not help."""


class Transport(Protocol):
    """A channel's way of delivering one outbox row; returns the platform's message id."""

    def is_group(self, chat_id: str) -> bool: ...

    async def send(self, row: OutboxRecord, person: PersonRecord | None) -> str | None: ...
