"""The load generator of the inbound benchmark, the same for both bots, and the fake Bot API that tells it
when a reply arrived.

Closed loop, as people chat: `concurrency` people at a time, each sending their next message only once the
reply to the previous one reached the fake Bot API. Latency is from the start of the webhook POST to the
arrival of the reply at the fake. Everything is on 127.0.0.1 and bounded: a fixed number of messages, a
deadline after which no new message is sent, and a timeout per reply."""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.fakes.telegram_faults import FaultyTelegramAPI

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class ReplyWatcher(FaultyTelegramAPI):
    """The fake Bot API, noting when each chat's replies arrive."""

    def __init__(self, *, rate_per_second: float | None = None) -> None:
        super().__init__(rate_per_second=rate_per_second)
        self.arrived: Counter[str] = Counter()
        self.arrival: dict[str, float] = {}
        self._events: dict[str, asyncio.Event] = {}

    async def _m_sendMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        result = await super()._m_sendMessage(params, files)
        chat = str(params["chat_id"])
        self.arrived[chat] += 1
        self.arrival[chat] = time.perf_counter()
        self._events.setdefault(chat, asyncio.Event()).set()
        return result

    async def wait_for(self, chat: str, count: int, seconds: float) -> bool:
        deadline = time.perf_counter() + seconds
        while self.arrived[chat] < count:
            event = self._events.setdefault(chat, asyncio.Event())
            event.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return False
        return True

    async def quiet(self, chats: Sequence[str], *, at_least: int, seconds: float, limit: float) -> None:
        """Wait until every chat has `at_least` replies and none arrived for `seconds` (at most `limit` s)."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            total = sum(self.arrived.values())
            await asyncio.sleep(seconds)
            if total == sum(self.arrived.values()) and all(self.arrived[c] >= at_least for c in chats):
                return
        missing = [c for c in chats if self.arrived[c] < at_least]
        raise RuntimeError(f"the bot did not answer everyone in time ({len(missing)} chats waiting)")


@dataclass
class LoadResult:
    answered: int = 0
    failed: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    cpu_seconds: float | None = None  # the bot process's CPU time over the measured phase

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self) -> dict[str, Any]:
        return {
            "answers_per_second": round(self.per_second, 1),
            "p50_ms": round(statistics.median(self.latencies) * 1000, 1) if self.latencies else None,
            "p99_ms": round(self.percentile(0.99) * 1000, 1),
            "cpu_ms_per_answer": (
                round(self.cpu_seconds / self.answered * 1000, 1)
                if self.cpu_seconds and self.answered
                else None
            ),
            "answered": self.answered,
            "failed": self.failed,
        }


_update_ids = itertools.count(1)


def update(user_id: int, text: str) -> dict[str, Any]:
    number = next(_update_ids)
    person = {"id": user_id, "is_bot": False, "first_name": f"Người {user_id}"}
    chat = {"id": user_id, "type": "private", "first_name": person["first_name"]}
    message = {"message_id": number, "date": int(time.time()), "chat": chat, "from": person, "text": text}
    return {"update_id": number, "message": message}


class Poster:
    """POSTs updates to the bot's webhook as Telegram does (with the secret header)."""

    def __init__(self, url: str, secret: str, concurrency: int) -> None:
        self._url = url
        self._headers = {SECRET_HEADER: secret, "Content-Type": "application/json"}
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency))

    async def post(self, body: dict[str, Any]) -> int:
        try:
            async with self._session.post(self._url, data=json.dumps(body), headers=self._headers) as reply:
                await reply.read()
                return reply.status
        except aiohttp.ClientError:
            return 0

    async def close(self) -> None:
        await self._session.close()


async def warm_up(poster: Poster, watcher: ReplyWatcher, people: Sequence[int], concurrency: int) -> None:
    """Everyone says /start once (menus set, sessions open, caches warm); then wait until all is quiet."""
    gate = asyncio.Semaphore(concurrency)

    async def start(user_id: int) -> None:
        async with gate:
            await poster.post(update(user_id, "/start"))

    await asyncio.gather(*(start(user_id) for user_id in people))
    await watcher.quiet([str(p) for p in people], at_least=1, seconds=1.0, limit=120)


async def closed_loop(
    poster: Poster,
    watcher: ReplyWatcher,
    scripts: dict[int, list[str]],
    *,
    concurrency: int,
    deadline_seconds: float,
    reply_timeout: float = 15.0,
) -> LoadResult:
    result = LoadResult()
    waiting = list(scripts)
    started = time.perf_counter()
    deadline = started + deadline_seconds

    async def person(user_id: int) -> None:
        chat = str(user_id)
        for text in scripts[user_id]:
            if time.perf_counter() > deadline:
                return
            expected = watcher.arrived[chat] + 1
            sent_at = time.perf_counter()
            if await poster.post(update(user_id, text)) != 200:
                result.failed += 1
                continue
            if not await watcher.wait_for(chat, expected, reply_timeout):
                result.failed += 1
                return
            result.answered += 1
            result.latencies.append(watcher.arrival[chat] - sent_at)

    async def worker() -> None:
        while waiting:
            await person(waiting.pop(0))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


async def paced(
    poster: Poster,
    watcher: ReplyWatcher,
    people: Sequence[int],
    answers: Sequence[str],
    *,
    every_seconds: float,
    duration: float,
    reply_timeout: float = 30.0,
) -> LoadResult:
    """Each person answers once every `every_seconds` (waiting for the reply first), for `duration` seconds,
    starts spread evenly: `len(people) / every_seconds` answers a second in all, as people chat."""
    result = LoadResult()
    started = time.perf_counter()
    deadline = started + duration

    async def person(index: int, user_id: int) -> None:
        chat = str(user_id)
        await asyncio.sleep(index * every_seconds / len(people))
        for turn in itertools.count():
            sent_at = time.perf_counter()
            if sent_at > deadline:
                return
            expected = watcher.arrived[chat] + 1
            if await poster.post(update(user_id, answers[turn % len(answers)])) != 200:
                result.failed += 1
            elif await watcher.wait_for(chat, expected, reply_timeout):
                result.answered += 1
                result.latencies.append(watcher.arrival[chat] - sent_at)
            else:
                result.failed += 1
            await asyncio.sleep(max(0.0, sent_at + every_seconds - time.perf_counter()))

    await asyncio.gather(*(person(index, user_id) for index, user_id in enumerate(people)))
    result.seconds = time.perf_counter() - started
    return result
