"""The fake Bot API with the faults of the real one, for the scale, crash and fault tests and the benchmarks.

- Telegram's flood limit, enforced: a token bucket of `rate_per_second` sends with a burst of as many
  ("short bursts are tolerated, then 429"); a send beyond it is refused with 429 and `retry_after`;
- `hold()` / `release()`: the platform stalls; sends wait unanswered (a client that hangs up meanwhile,
  or is killed, has delivered nothing);
- `delay_next(seconds)`: a send answered only after `seconds` (longer than the client's timeout: a timeout);
- `drop_next()`: the connection is cut before any answer;
- `hold_answers()` / `release_answers()`: the platform takes sends (they reach the chat) but its answers
  stall: a client killed meanwhile never learns that its messages went out (`unanswered` counts them);
- `on_delivered`: called as each send reaches the chat, before its answer is written (a test may kill the
  client there: Telegram has the message, the client never hears so).

Only the methods the outbox sender uses count as sends. A refused, abandoned or dropped request never counts
as delivered: `calls_to` (status 200) lists exactly what reached the chat.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable

from aiohttp import web

from tests.fakes.clock import SYSTEM_CLOCK, Clock
from tests.fakes.http_server import error
from tests.fakes.telegram_api import TOKEN, Call, FakeTelegramAPI, _read_params

SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "editMessageText"})


class FaultyTelegramAPI(FakeTelegramAPI):
    def __init__(
        self, token: str = TOKEN, *, rate_per_second: float | None = None, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        super().__init__(token, clock=clock)
        self.rate_per_second = rate_per_second
        self._tokens = rate_per_second or 0.0
        self._updated = clock.monotonic()
        self._open = asyncio.Event()
        self._open.set()
        self._delays: list[float] = []
        self._drops = 0
        self.refused = 0  # 429s answered because of the flood limit
        self.dropped = 0
        self.waiting = 0  # sends held right now
        self._answering = asyncio.Event()
        self._answering.set()
        self.unanswered = 0  # sends delivered whose answer is held right now
        self.on_delivered: Callable[[str], None] | None = (
            None  # called with the method of each delivered send
        )

    # ---- faults ----------------------------------------------------------------------------------
    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def delay_next(self, seconds: float, *, times: int = 1) -> None:
        self._delays.extend([seconds] * times)

    def drop_next(self, *, times: int = 1) -> None:
        self._drops += times

    def hold_answers(self) -> None:
        self._answering.clear()

    def release_answers(self) -> None:
        self._answering.set()

    # ---- the HTTP side -------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method not in SEND_METHODS or request.match_info["token"] != self.token:
            return await super()._api(request)
        self.waiting += 1
        try:
            await self._open.wait()
        finally:
            self.waiting -= 1
        if self._drops:
            self._drops -= 1
            self.dropped += 1
            if request.transport is not None:
                request.transport.abort()
            await asyncio.sleep(3600)  # cancelled at once: the client is gone
        if self._delays:
            await asyncio.sleep(self._delays.pop(0))
        wait = self._take_token()
        if wait > 0:
            self.refused += 1
            params, _ = await _read_params(request)
            self.record(Call(method, params, status=429))
            seconds = max(1, math.ceil(wait))
            return error(429, f"Too Many Requests: retry after {seconds}", seconds)
        response = await super()._api(request)
        if response.status != 200:
            return response
        if self.on_delivered is not None:
            self.on_delivered(method)
        self.unanswered += 1
        try:
            await self._answering.wait()
        finally:
            self.unanswered -= 1
        return response

    def _take_token(self) -> float:
        """0 when a send may go now; otherwise the seconds until the bucket holds one again."""
        rate = self.rate_per_second
        if rate is None:
            return 0.0
        now = self.clock.monotonic()
        self._tokens = min(rate, self._tokens + (now - self._updated) * rate)
        self._updated = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / rate
