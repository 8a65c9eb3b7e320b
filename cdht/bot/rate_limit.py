"""Send limits shared by every channel's outbox sender: one global bucket, one per chat, one per group.

Token buckets with reservations: `acquire` takes a token now (the balance may go negative) and sleeps until
that token would have been earned, so concurrent senders queue fairly without a lock. A short burst is
allowed per chat (Telegram tolerates short bursts; a reply is often two or three messages) while the long-run
rate stays at the configured limit. A 429 from the platform pauses everything (`pause`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

CHAT_BURST = 3.0
GROUP_BURST = 3.0
MAX_IDLE_BUCKETS = 10_000


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float = field(init=False)
    updated: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def reserve(self, now: float) -> float:
        """Take one token; the seconds to wait before using it (0 when one was available)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def is_full(self, now: float) -> bool:
        return self.tokens + (now - self.updated) * self.rate >= self.capacity


class RateLimiter:
    def __init__(
        self,
        global_per_second: float,
        per_chat_per_second: float,
        per_group_per_minute: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        # No global burst: after an idle spell or a 429 pause a full bucket would let a whole second's
        # worth of messages out at once, above the platform's per-second limit in any sliding window.
        self._global = TokenBucket(global_per_second, 1.0)
        self._per_chat = per_chat_per_second
        self._per_group = per_group_per_minute / 60.0
        self._chats: dict[str, TokenBucket] = {}
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Stop all sending for a while (the platform said 'retry after')."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def wait_if_paused(self) -> None:
        while (delay := self._paused_until - self._clock()) > 0:
            await self._sleep(delay)

    async def acquire(self, chat_id: str, *, group: bool = False) -> float:
        """Wait for a global and a per-chat slot; returns the seconds waited (for logs and tests)."""
        await self.wait_if_paused()
        now = self._clock()
        chat = self._chats.get(chat_id)
        if chat is None:
            if len(self._chats) >= MAX_IDLE_BUCKETS:
                self._forget_idle(now)
            rate = self._per_group if group else self._per_chat
            chat = self._chats[chat_id] = TokenBucket(rate, GROUP_BURST if group else CHAT_BURST)
        delay = max(self._global.reserve(now), chat.reserve(now))
        if delay > 0:
            await self._sleep(delay)
        return delay

    def _forget_idle(self, now: float) -> None:
        for key in [key for key, bucket in self._chats.items() if bucket.is_full(now)]:
            del self._chats[key]
