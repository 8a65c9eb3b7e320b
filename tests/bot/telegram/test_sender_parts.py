"""The channel-agnostic sending parts: the rate limiter, the outbox claim (SQLite and PostgreSQL), EXIF."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from datetime import datetime, timedelta

from PIL import Image

from cdht.handlers.ports import OutboxRecord, PersonRecord
from cdht.handlers.respondent.photo_metadata import read_photo_metadata
from cdht.pipeline.nudge import Relay
from cdht.pipeline.outbox import OutboxSender
from cdht.pipeline.rate_limit import RateLimiter
from cdht.pipeline.transport import RecipientUnreachable
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW
from tests.fakes.clock import FakeClock


async def send_slot(limiter: RateLimiter, clock: FakeClock, chat: str, *, group: bool = False) -> float:
    """What a sender worker waits for before one message: its global slot, then the chat's; the seconds waited."""
    before = clock.monotonic()
    await limiter.take(1)
    await limiter.chat_slot(chat, group=group)
    return clock.monotonic() - before


async def test_per_chat_limit_allows_a_short_burst_then_the_configured_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(1_000_000, 1, 20, clock=clock.monotonic, sleep=clock.sleep)
    waits = [await send_slot(limiter, clock, "7001") for _ in range(5)]
    assert [round(w, 3) for w in waits] == [0, 0, 0, 1.0, 1.0]
    assert await send_slot(limiter, clock, "7002") == 0  # another chat is not held back


async def test_global_and_group_limits_and_a_pause_after_429() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, 100, 20, clock=clock.monotonic, sleep=clock.sleep)
    waits = [await send_slot(limiter, clock, str(chat)) for chat in range(4)]
    assert [round(w, 3) for w in waits] == [0, 0.5, 0.5, 0.5]  # evenly spaced: no global burst
    clock.advance(60)  # however long the limiter was idle, it does not let a burst out
    assert [round(await send_slot(limiter, clock, str(chat)), 3) for chat in range(3)] == [0, 0.5, 0.5]
    group = RateLimiter(1_000_000, 100, 20, clock=clock.monotonic, sleep=clock.sleep)
    waits = [await send_slot(group, clock, "-100", group=True) for _ in range(4)]
    assert [round(w, 3) for w in waits] == [0, 0, 0, 3.0]  # 20 a minute: one every 3 s after the burst
    limiter.pause(7)
    assert not limiter.take_express()  # paused: no slot at all
    assert await send_slot(limiter, clock, "9") >= 7


async def test_the_express_slot_lets_a_reply_out_at_once_and_the_rate_holds_over_time() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, 100, 20, clock=clock.monotonic, sleep=clock.sleep)
    assert await send_slot(limiter, clock, "bulk") == 0
    assert limiter.take_express()  # a reply goes at once beside the regular slot
    assert await send_slot(limiter, clock, "bulk") == 1.0  # and the next regular slot comes one slot later
    sent, start = 0, clock.monotonic()
    while clock.monotonic() - start < 10:  # replies always offered, regular senders busy: 2 a second in all
        sent += limiter.take_express()
        await send_slot(limiter, clock, "bulk")
        sent += 1
    assert sent <= 2 * (clock.monotonic() - start) + 3  # at most a few above the rate over any stretch


async def test_claiming_keeps_each_chat_in_order_even_while_a_message_waits_for_a_retry(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    async with uow_factory() as uow:
        a1 = await uow.outbox.add("telegram", "A", {"text": "a1"}, NOW)
        a2 = await uow.outbox.add("telegram", "A", {"text": "a2"}, NOW)
        b1 = await uow.outbox.add("telegram", "B", {"text": "b1"}, NOW)
        await uow.outbox.add("zalo", "A", {"text": "z"}, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        first = await uow.outbox.claim_next("telegram", NOW)
        assert first is not None and first.id == a1
        other = await uow.outbox.claim_next("telegram", NOW, skip_chats={"A"})
        assert other is not None and other.id == b1
        await uow.outbox.mark_failed(a1 or 0, "429", retry_at=NOW + timedelta(seconds=30))
        await uow.outbox.mark_sent(b1 or 0, "m1", NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.claim_next("telegram", NOW) is None  # a2 waits behind a1's retry
        again = await uow.outbox.claim_next("telegram", NOW + timedelta(seconds=31))
        assert again is not None and again.id == a1
        await uow.outbox.mark_sent(a1 or 0, "m2", NOW)
        following = await uow.outbox.claim_next("telegram", NOW + timedelta(seconds=31))
        assert following is not None and following.id == a2


def _jpeg(exif: Image.Exif) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_exif_position_and_time_with_hemispheres_and_offsets() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "S", 2: (33.0, 52.0, 0.0), 3: "W", 4: (70.0, 30.0, 0.0)})
    exif.get_ifd(0x8769).update({0x9003: "2025:03:01 10:00:00", 0x9011: "+02:00"})
    found = read_photo_metadata(_jpeg(exif))
    assert found.latitude is not None and abs(found.latitude + 33.8667) < 0.001
    assert found.longitude is not None and abs(found.longitude + 70.5) < 0.001
    assert found.taken_at is not None and found.taken_at.utcoffset() == timedelta(hours=2)
    assert read_photo_metadata(_jpeg(Image.Exif())).latitude is None
    assert read_photo_metadata(b"%PDF-1.7 not an image") == read_photo_metadata(b"")


async def test_the_relay_wakes_one_idle_worker_per_call_and_keeps_an_early_call() -> None:
    relay = Relay()
    woken: list[int] = []

    async def worker(number: int) -> None:
        await relay.wait(5.0)
        woken.append(number)

    workers = [asyncio.ensure_future(worker(n)) for n in range(3)]
    await asyncio.sleep(0.01)
    relay.wake_one()
    await asyncio.sleep(0.01)
    assert woken == [0]  # one call, one worker
    relay.wake_all()
    await asyncio.gather(*workers)
    assert sorted(woken) == [0, 1, 2]
    relay.wake_one()  # nobody waits: the next wait returns at once instead of being lost
    await asyncio.wait_for(relay.wait(5.0), 0.5)
    started = asyncio.get_running_loop().time()
    await relay.wait(0.05)  # and only once
    assert asyncio.get_running_loop().time() - started >= 0.04


def test_telegram_response_models_survive_a_garbage_collection() -> None:
    import gc

    from aiogram.methods import Response, SendMessage

    from cdht.bot.telegram.responses import RESPONSE_MODELS

    gc.collect()
    assert Response[SendMessage.__returning__] in RESPONSE_MODELS  # pydantic's cache hit, not a rebuild


class ScriptedTransport:
    """Chat "A" blocked the bot; every other chat takes the message."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def is_group(self, chat_id: str) -> bool:
        return False

    async def send(self, row: OutboxRecord, person: PersonRecord | None) -> str | None:
        if row.chat_id == "A":
            raise RecipientUnreachable("Forbidden: bot was blocked by the user")
        self.sent.append(row.chat_id)
        return f"m-{row.chat_id}"


class FlakyUnitOfWork(SqlUnitOfWork):
    """The first transaction loses the database when it records a failed send."""

    failures = 1

    async def __aenter__(self) -> FlakyUnitOfWork:
        await super().__aenter__()
        real = self.outbox.mark_failed

        async def mark_failed(outbox_id: int, error: str, *, retry_at: datetime | None) -> None:
            if FlakyUnitOfWork.failures:
                FlakyUnitOfWork.failures -= 1
                raise ConnectionResetError("the database went away")
            await real(outbox_id, error, retry_at=retry_at)

        self.outbox.mark_failed = mark_failed  # type: ignore[method-assign]
        return self


async def test_a_batch_whose_record_fails_still_records_every_delivered_message(
    sqlite_uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    async with sqlite_uow_factory() as uow:
        for chat in ("A", "B", "C"):
            await uow.outbox.add("telegram", chat, {"text": f"tin cho {chat}"}, NOW)
        await uow.commit()
        factory = uow._factory  # the same database, behind a flaky unit of work
    transport = ScriptedTransport()
    sender = OutboxSender(
        lambda: FlakyUnitOfWork(factory),
        "telegram",
        transport,
        RateLimiter(1e6, 1e6, 1e6),
        lambda: NOW,
        batch=8,  # as on SQLite
    )
    assert await sender.send_batch() == 3
    assert await sender.send_batch() == 1  # only A is tried again: its failure was not recorded
    assert await sender.send_batch() == 0
    assert sorted(transport.sent) == ["B", "C"]  # B and C were recorded sent, never sent twice
    async with sqlite_uow_factory() as uow:
        assert await uow.outbox.due("telegram", NOW, 10) == []
