"""The outbox sender: delivers a channel's queued messages under rate limits.

Each row is claimed (locked on PostgreSQL), sent, and marked in the same transaction, committed right after
the API call. On SQLite (one process, no row locks) a worker claims a few rows of different chats at once,
sends them concurrently and records those that finish together in one transaction, each within
`RECORD_EVERY_SECONDS` of its send; on PostgreSQL a row stays locked from claim to record, so one at a time.

The crash window: if the process dies after the platform accepted a message and before that commit
(milliseconds), the row is still pending and is sent again on restart; the same holds for a timeout after
which the platform did deliver. If only the database fails at that moment (a dropped connection, a locked
database), the delivery is recorded again in a new transaction once the database answers. Chat platforms
offer no idempotency key, so this at-least-once window is the smallest we can make it; a successful send that
was committed is never repeated.

Lanes: a worker first takes its global send slot from the rate limiter and only then claims, in (lane, id)
order, so the slot goes to the most urgent message due at that moment: replies, then notices, then bulk
(broadcasts, reminders). A reply queued while a broadcast is sending waits for the next slot (1/25 s at the
default limit), not behind the broadcast. Bulk keeps a floor: while bulk is waiting, `bulk_floor` of the
slots (default a fifth) claim bulk first, so a flood of replies never starves a broadcast. And when replies
or notices are queued (`wake`), an express worker sends them at once on the slot the limiter keeps for them,
if it is free, instead of waiting for the next regular slot.

Each chat's messages go out in order within a lane (`claim` skips a chat with a pending row before it in
(lane, id) order, also while that row waits for a retry); a reply may overtake a broadcast to the same chat.
Different chats are sent concurrently by `concurrency` workers (of up to `batch` rows each on SQLite, as many
as the global bucket has slots for at once: one at production limits).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from cdht.handlers.ports import (
    Lane,
    OutboxRecord,
    OutboxSenderUnitOfWork,
    OutboxSenderUnitOfWorkFactory,
    PersonRecord,
)
from cdht.pipeline.nudge import Nudge, Relay
from cdht.pipeline.rate_limit import RateLimiter
from cdht.pipeline.transport import RecipientUnreachable, RetryAfter, SendError, TemporaryFailure, Transport

log = structlog.get_logger(__name__)

RECORD_DELIVERY_SECONDS = 300.0  # how long a delivered message's record is retried while the database is away
RECORD_EVERY_SECONDS = 0.05  # the longest a delivered message of a batch waits for its record


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: float = 2.0  # seconds before the first retry after a temporary failure; doubles each time
    max_delay: float = 300.0
    max_attempts: int = 10  # temporary failures in a row before the row is parked as failed (429s never park)

    def delay(self, attempts: int) -> float:
        return float(min(self.max_delay, self.first_delay * 2.0 ** max(0, attempts)))


class OutboxSender:
    def __init__(
        self,
        uow_factory: OutboxSenderUnitOfWorkFactory,
        channel: str,
        transport: Transport,
        limiter: RateLimiter,
        clock: Callable[[], datetime],
        *,
        concurrency: int = 4,
        batch: int = 1,
        idle_seconds: float = 0.5,
        retry: RetryPolicy | None = None,
        bulk_floor: float = 0.2,
    ) -> None:
        """`batch` > 1 only where rows are not locked from claim to record: SQLite, one process."""
        self._uow_factory = uow_factory
        self._channel = channel
        self._transport = transport
        self._limiter = limiter
        self._clock = clock
        self._concurrency = concurrency
        self._batch = batch
        self._bulk_floor = bulk_floor
        self._bulk_credit = 0.0  # slots owed to bulk; at 1 or more the next claim looks at bulk first
        self._idle_seconds = idle_seconds
        self._retry = retry or RetryPolicy()
        self._busy_chats: set[str] = set()
        self._claiming = asyncio.Lock()
        self._relay = Relay()
        self._express = Nudge()

    def wake(self) -> None:
        """New rows were queued: an idle worker looks at once, and the express worker for replies."""
        self._relay.wake_one()
        self._express.set()

    async def run(self, stop: asyncio.Event) -> None:
        async with asyncio.TaskGroup() as group:
            for _ in range(self._concurrency):
                group.create_task(self._work(stop))
            group.create_task(self._express_work(stop))
            await stop.wait()
            self._relay.wake_all()

    async def _express_work(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self._express.wait(stop, seconds=self._idle_seconds)
            try:
                while not stop.is_set() and await self.send_express():
                    pass
            except Exception:
                log.exception("outbox express sender failed; retrying", channel=self._channel)

    async def send_express(self) -> bool:
        """One due reply or notice on the slot kept for them, if that slot is free; True when one was sent
        (more may be waiting)."""
        if not self._limiter.take_express():
            return False
        chats: set[str] = set()
        claimed: list[tuple[OutboxRecord, PersonRecord | None]] = []
        try:
            async with self._uow_factory() as uow:
                async with self._claiming:
                    claimed = await uow.outbox.claim(
                        self._channel,
                        self._clock(),
                        skip_chats=self._busy_chats,
                        limit=1,
                        to_lane=Lane.NOTICE,
                    )
                    chats = {row.chat_id for row, _ in claimed}
                    self._busy_chats |= chats
                for row, person in claimed:
                    await self._record(uow, [(row, person, await self._attempt(row, person))])
        finally:
            self._limiter.give_back(1 - len(claimed))
            self._busy_chats -= chats
        return bool(claimed)

    async def _work(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                sent = await self.send_batch()
            except Exception:
                log.exception("outbox sender failed; retrying", channel=self._channel)
                sent = 0
            if sent:
                self._relay.wake_one()  # more may be due: another worker looks while this one loops
            else:
                await self._relay.wait(self._idle_seconds)

    async def send_batch(self) -> int:
        """Deliver up to `batch` due rows (of different chats) at once; returns how many were attempted."""
        slots = await self._limiter.take(self._batch)
        chats: set[str] = set()
        claimed: list[tuple[OutboxRecord, PersonRecord | None]] = []
        try:
            async with self._uow_factory() as uow:
                async with self._claiming:
                    claimed = await self._claim(uow, slots)
                    chats = {row.chat_id for row, _ in claimed}
                    self._busy_chats |= chats
                if len(claimed) == 1:  # claimed, sent and recorded in one transaction: locked throughout
                    [(row, person)] = claimed
                    await self._record(uow, [(row, person, await self._attempt(row, person))])
            if len(claimed) > 1:
                await self._deliver_unlocked(claimed)
        finally:
            self._limiter.give_back(slots - len(claimed))
            self._busy_chats -= chats
        return len(claimed)

    async def _claim(
        self, uow: OutboxSenderUnitOfWork, slots: int
    ) -> list[tuple[OutboxRecord, PersonRecord | None]]:
        """The most urgent due rows for `slots` sends; bulk first for the slots its floor is owed."""
        now = self._clock()
        self._bulk_credit += self._bulk_floor * slots
        claimed: list[tuple[OutboxRecord, PersonRecord | None]] = []
        if self._bulk_credit >= 1.0:
            owed = min(slots, int(self._bulk_credit))
            claimed = await uow.outbox.claim(
                self._channel, now, skip_chats=self._busy_chats, limit=owed, from_lane=Lane.BULK
            )
            if not claimed:
                self._bulk_credit = 0.0  # no bulk is waiting: a floor is not saved up for later
        if len(claimed) < slots:
            skip = self._busy_chats | {row.chat_id for row, _ in claimed}
            claimed += await uow.outbox.claim(self._channel, now, skip_chats=skip, limit=slots - len(claimed))
        bulk = sum(1 for row, _ in claimed if row.lane == Lane.BULK)
        self._bulk_credit = max(0.0, self._bulk_credit - bulk)
        return claimed

    async def _deliver_unlocked(self, claimed: list[tuple[OutboxRecord, PersonRecord | None]]) -> None:
        """Several rows (only where the database has no row locks to keep, i.e. SQLite, whose one process
        keeps them apart through `_busy_chats`): sent concurrently, each outcome recorded within
        `RECORD_EVERY_SECONDS` of its send, those that finish together in one transaction."""
        loop = asyncio.get_running_loop()
        sending = {loop.create_task(self._attempt(row, person)): (row, person) for row, person in claimed}
        try:
            while sending:
                done, _ = await asyncio.wait(sending, timeout=RECORD_EVERY_SECONDS)
                if not done:
                    continue
                outcomes = [(*sending.pop(task), _outcome(task)) for task in done]
                async with self._uow_factory() as uow:
                    await self._record(uow, outcomes)
        finally:
            for task in sending:  # stopped (shutdown): no send goes on unwatched
                task.cancel()

    async def _record(
        self,
        uow: OutboxSenderUnitOfWork,
        outcomes: list[tuple[OutboxRecord, PersonRecord | None, str | SendError | None]],
    ) -> None:
        """Mark the delivered rows sent and the failed ones for a retry, in one transaction. If the database
        fails meanwhile, each delivery is recorded again on its own (left pending, it would be sent twice)."""
        delivered = [
            (row, person, outcome) for row, person, outcome in outcomes if not isinstance(outcome, SendError)
        ]
        try:
            await self._mark_delivered(uow, delivered)
            for row, person, outcome in outcomes:
                if isinstance(outcome, SendError):
                    await self._failed(uow, row, person, outcome)
            await uow.commit()
        except Exception:
            log.warning(
                "delivered messages could not be recorded; retrying", count=len(delivered), exc_info=True
            )
            with contextlib.suppress(Exception):
                await uow.rollback()  # a live connection would otherwise keep the rows locked
            for row, person, message_id in delivered:
                await self._record_delivery(row, person, message_id)

    async def _attempt(self, row: OutboxRecord, person: PersonRecord | None) -> str | SendError | None:
        """One send under the rate limits: the platform's message id, or what went wrong."""
        try:
            await self._limiter.chat_slot(row.chat_id, group=self._transport.is_group(row.chat_id))
            return await self._transport.send(row, person)
        except SendError as error:
            failure: SendError = error
        except Exception as error:  # an unexpected bug must not stop the queue: retry, then park the row
            log.exception("outbox row crashed the transport", outbox_id=row.id)
            failure = TemporaryFailure(f"{type(error).__name__}: {error}")
        if isinstance(failure, RetryAfter):
            self._limiter.pause(failure.seconds)  # at once: the other sends of the batch must wait too
        elif isinstance(failure, TemporaryFailure):
            self._limiter.pause(min(self._retry.delay(row.attempts), self._retry.first_delay))
        return failure

    async def _mark_delivered(
        self,
        uow: OutboxSenderUnitOfWork,
        delivered: list[tuple[OutboxRecord, PersonRecord | None, str | None]],
    ) -> None:
        await uow.outbox.mark_all_sent(
            [(row.id, message_id, row.payload) for row, _, message_id in delivered], self._clock()
        )
        for _, person, _ in delivered:
            if person is not None and not person.reachable:
                await uow.people.set_reachable(person.id, True)

    async def _record_delivery(
        self, row: OutboxRecord, person: PersonRecord | None, message_id: str | None
    ) -> None:
        """The platform has the message but the database lost our record of it (a dropped connection, a
        locked or restarting database): record it in a new transaction as soon as the database answers.
        Left pending, the row would be sent a second time. The chat stays busy in this process meanwhile."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RECORD_DELIVERY_SECONDS
        delay = 0.0
        while True:
            await asyncio.sleep(delay)
            try:
                async with self._uow_factory() as uow:
                    await self._mark_delivered(uow, [(row, person, message_id)])
                    await uow.commit()
                return
            except Exception:
                if loop.time() >= deadline:
                    log.exception(
                        "a delivered message stays unrecorded; it may be sent again", outbox_id=row.id
                    )
                    return
                delay = min(2.0, max(0.05, delay * 2))

    async def _failed(
        self, uow: OutboxSenderUnitOfWork, row: OutboxRecord, person: PersonRecord | None, error: SendError
    ) -> None:
        now = self._clock()
        reason = f"{type(error).__name__}: {error}"
        retry_at: datetime | None = None
        if isinstance(error, RetryAfter):
            retry_at = now + timedelta(seconds=error.seconds)
        elif isinstance(error, TemporaryFailure):
            retry_at = now + timedelta(seconds=self._retry.delay(row.attempts))
            if row.attempts + 1 >= self._retry.max_attempts:
                retry_at = None
        elif isinstance(error, RecipientUnreachable) and person is not None:
            await uow.people.set_reachable(person.id, False)
        log.warning("outbox send failed", outbox_id=row.id, error=reason, retry_at=retry_at)
        await uow.outbox.mark_failed(row.id, reason, retry_at=retry_at)


def _outcome(task: asyncio.Task[str | SendError | None]) -> str | SendError | None:
    """A finished send's outcome; a send that ended otherwise (cancelled) is retried later."""
    try:
        return task.result()
    except BaseException as error:
        return TemporaryFailure(f"{type(error).__name__}: {error}")
