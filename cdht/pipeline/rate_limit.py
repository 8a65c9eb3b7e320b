"""Send limits shared by every channel's outbox sender: one global bucket, one per chat, one per group.

Token buckets with reservations: a sender takes a global slot (`take`) and sleeps until it would have been
earned (the balance may go negative), so concurrent senders queue fairly without a lock; only then does it
pick which message to send, so the message that goes is the most urgent one at the moment its slot comes
(a reply queued while a broadcast is sending waits for one slot, not for the broadcast). `chat_slot` then
waits for the chat's own bucket.

One slot more than that is kept in the global bucket for replies (`take_express`): regular senders take their
slots one after another (one waits at a time) and each waits until a slot is left over; a reply that comes
while they wait takes that spare slot at once instead of waiting up to one slot interval (40 ms at 25/s).
The next regular sender then finds the bucket one slot lower and waits that much longer, so the long-run
rate stays at the limit; in any window at most three messages more than the rate go out (the spare slot,
the one a regular sender may be owed, and one borrowed ahead), still under Telegram's 30 a second at 25. A short burst is
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
GLOBAL_BURST_SECONDS = 0.04  # the global bucket holds at most this long's worth of slots (and at least one)
EXPRESS_SLOTS = 1.0  # kept in the global bucket for replies
MAX_IDLE_BUCKETS = 10_000


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float = field(init=False)
    updated: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def reserve(self, now: float, count: float = 1.0, *, keep: float = 0.0) -> float:
        """Take `count` tokens; the seconds to wait before using them, until `keep` tokens are left over
        (0 when they were available)."""
        self.refill(now)
        self.tokens -= count
        return 0.0 if self.tokens >= keep else (keep - self.tokens) / self.rate

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

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
        # At production limits (25/s) that is one slot; with the limits lifted, a batch's worth.
        self._global = TokenBucket(
            global_per_second, max(1.0, global_per_second * GLOBAL_BURST_SECONDS) + EXPRESS_SLOTS
        )
        self._per_chat = per_chat_per_second
        self._per_group = per_group_per_minute / 60.0
        self._chats: dict[str, TokenBucket] = {}
        self._paused_until = 0.0
        self._taking = asyncio.Lock()  # regular senders wait for their global slot one at a time

    def pause(self, seconds: float) -> None:
        """Stop all sending for a while (the platform said 'retry after')."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def wait_if_paused(self) -> None:
        while (delay := self._paused_until - self._clock()) > 0:
            await self._sleep(delay)

    async def take(self, most: int) -> int:
        """Global slots for up to `most` messages: as many as are there now (at least one, waiting for it).
        Slots not used are handed back with `give_back`."""
        async with self._taking:
            await self.wait_if_paused()
            now = self._clock()
            self._global.refill(now)
            count = max(1, min(most, int(self._global.tokens - EXPRESS_SLOTS)))
            delay = self._global.reserve(now, count, keep=EXPRESS_SLOTS)
            if delay > 0:
                await self._sleep(delay)
            return count

    def take_express(self) -> bool:
        """The slot kept for replies, if it is there now (never waits); False: take a regular one."""
        if self._clock() < self._paused_until:
            return False
        self._global.refill(self._clock())
        if self._global.tokens < 0.0:  # spent: a regular sender is owed the next slot already
            return False
        self._global.tokens -= 1.0
        return True

    def give_back(self, count: int) -> None:
        if count > 0:
            self._global.tokens = min(self._global.capacity, self._global.tokens + count)

    async def chat_slot(self, chat_id: str, *, group: bool = False) -> float:
        """Wait for the chat's (or group's) own slot; returns the seconds waited."""
        delay = self._chat(chat_id, group).reserve(self._clock())
        if delay > 0:
            await self._sleep(delay)
        return delay

    def _chat(self, chat_id: str, group: bool) -> TokenBucket:
        chat = self._chats.get(chat_id)
        if chat is None:
            if len(self._chats) >= MAX_IDLE_BUCKETS:
                self._forget_idle(self._clock())
            rate = self._per_group if group else self._per_chat
            chat = self._chats[chat_id] = TokenBucket(rate, GROUP_BURST if group else CHAT_BURST)
        return chat

    def _forget_idle(self, now: float) -> None:
        for key in [key for key, bucket in self._chats.items() if bucket.is_full(now)]:
            del self._chats[key]
