"""Personal data kept only as long as needed (Nghị định 13/2023/NĐ-CP), in the inbox loop on SQLite and
PostgreSQL: a shared contact's raw update (phone number, names) is dropped once its registration is done or
refused, but an update that will be tried again keeps it until it is handled."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from cdht.bot.console.channel import LocalFileFetcher
from cdht.conversations.inbound import Contact, Inbound, Text
from cdht.handlers.admin import retention
from cdht.handlers.context import Sender, Services
from cdht.handlers.officer.reminders import ReminderPolicy
from cdht.handlers.ports import QueuedMessage
from cdht.pipeline import inbox
from cdht.pipeline.background import scheduler_tick
from cdht.pipeline.inbox import MAX_ATTEMPTS, process_batch
from cdht.storage.batch_unit_of_work import SqlBatchUnitOfWork
from cdht.storage.folder_files import FolderFileStore
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW

Factory = Callable[[], SqlUnitOfWork]
BatchFactory = Callable[[], SqlBatchUnitOfWork]
AN_PHONE = "84912345678"
LONG_AGO = NOW - timedelta(days=60)


def telegram_like(chat: int, *, phone: str | None = None, text: str | None = None) -> dict[str, Any]:
    """The parts of a Telegram update that matter here: who sent it, and a contact (phone, names) or a text."""
    sender = {"id": chat, "first_name": "An", "last_name": "Nguyễn Văn", "username": "an_thon_dong"}
    message: dict[str, Any] = {"from": sender, "chat": {"id": chat, "type": "private"}}
    if phone is not None:
        message["contact"] = {
            "phone_number": phone,
            "first_name": "An",
            "last_name": "Nguyễn Văn",
            "user_id": chat,
        }
    else:
        message["text"] = text
    return {"message": message}


def decode(payload: dict[str, Any]) -> tuple[Sender, Inbound] | None:
    message = payload["message"]
    chat = str(message["chat"]["id"])
    sender = Sender("telegram", chat, chat, message["from"]["first_name"])
    if "contact" in message:
        contact = message["contact"]
        return sender, Contact(
            contact["phone_number"], is_own=contact.get("user_id") == message["from"]["id"]
        )
    return sender, Text(message["text"])


async def _queue(uow_factory: Factory, updates: list[tuple[str, dict[str, Any]]]) -> None:
    async with uow_factory() as uow:
        for external_id, payload in updates:
            await uow.inbox.add("telegram", external_id, str(payload["message"]["chat"]["id"]), payload, NOW)
        await uow.commit()


async def _stored(uow_factory: Factory) -> dict[str, tuple[str, Any]]:
    """Each update's status and stored payload, as the database holds them (None: no payload)."""
    async with uow_factory() as uow:
        rows = await uow._active.execute(text("SELECT external_id, status, payload FROM inbox"))
        return {
            row.external_id: (
                row.status,
                json.loads(row.payload) if isinstance(row.payload, str) else row.payload,
            )
            for row in rows
        }


def _phone_in(payload: Any) -> bool:
    return AN_PHONE in json.dumps(payload)


@pytest.fixture
def services(tmp_path: Path) -> Services:
    return Services(files=FolderFileStore(tmp_path), fetcher=LocalFileFetcher(), year=2025)


async def test_a_shared_contact_is_not_kept_once_registration_is_done_or_refused(
    uow_factory: Factory, batch_uow_factory: BatchFactory, services: Services
) -> None:
    async with uow_factory() as uow:
        village = await uow.units.add("V1", "Thôn Đông", "village", None, NOW)
        await uow.people.add("Nguyễn Văn An", "+" + AN_PHONE, "village_head", village.id, NOW)
        await uow.commit()
    await _queue(
        uow_factory,
        [
            ("1", telegram_like(11, phone=AN_PHONE)),  # in the roster: linked
            ("2", telegram_like(12, phone="84999999999")),  # not in the roster: refused
            ("3", telegram_like(13, text="xin chào")),
        ],
    )
    assert await process_batch(batch_uow_factory, {"telegram": decode}, services, lambda: NOW) == 3
    stored = await _stored(uow_factory)
    assert stored["1"] == ("done", None) and stored["2"] == ("done", None)
    assert stored["3"] == ("done", telegram_like(13, text="xin chào"))  # not a contact: kept for now
    async with uow_factory() as uow:
        person = await uow.people.by_phone("+" + AN_PHONE)
        assert person is not None and [i.external_id for i in await uow.people.identities(person.id)] == [
            "11"
        ]
        assert await uow.inbox.add("telegram", "1", "11", telegram_like(11, phone=AN_PHONE), NOW) is None


async def test_a_contact_that_fails_keeps_its_payload_until_it_is_handled(
    uow_factory: Factory, batch_uow_factory: BatchFactory, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_handle = inbox.handle
    failures = {"left": 4}  # each round: the batch fails, then the update alone (one attempt counted)

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("the database went away")
        return await real_handle(*args, **kwargs)

    monkeypatch.setattr(inbox, "handle", flaky)
    await _queue(uow_factory, [("1", telegram_like(11, phone=AN_PHONE))])
    await process_batch(batch_uow_factory, {"telegram": decode}, services, lambda: NOW)
    status, payload = (await _stored(uow_factory))["1"]
    assert status == "pending" and _phone_in(payload)  # to be tried again: kept
    async with uow_factory() as uow:
        [claimed] = await uow.inbox.claim("telegram", limit=1)
        assert claimed.payload["message"]["contact"]["phone_number"] == AN_PHONE
    await process_batch(batch_uow_factory, {"telegram": decode}, services, lambda: NOW)
    status, payload = (await _stored(uow_factory))["1"]
    assert status == "pending" and _phone_in(payload)
    await process_batch(batch_uow_factory, {"telegram": decode}, services, lambda: NOW)
    assert (await _stored(uow_factory))["1"] == ("done", None)


async def test_a_contact_parked_after_its_last_attempt_is_not_kept(
    uow_factory: Factory, batch_uow_factory: BatchFactory, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(inbox, "handle", broken)
    await _queue(uow_factory, [("1", telegram_like(11, phone=AN_PHONE))])
    for attempt in range(1, MAX_ATTEMPTS + 1):
        await process_batch(batch_uow_factory, {"telegram": decode}, services, lambda: NOW)
        status, payload = (await _stored(uow_factory))["1"]
        if attempt < MAX_ATTEMPTS:
            assert status == "pending" and _phone_in(payload)
    assert (status, payload) == ("failed", None)  # never tried again: the phone goes with it


async def _handled_long_ago(uow_factory: Factory, count: int, *, when: datetime = LONG_AGO) -> None:
    """`count` handled updates with their replies sent, all `when`."""
    async with uow_factory() as uow:
        updates = [(str(n), str(n), telegram_like(n, text=f"tin {n}")) for n in range(count)]
        await uow.inbox.add_many("telegram", updates, when)
        ids = [event.id for event in await uow.inbox.claim("telegram", limit=count)]
        await uow.inbox.mark_all_done(ids, when)
        await uow.outbox.add_many(
            [QueuedMessage("telegram", str(n), {"text": f"Đã nhận tin {n}"}) for n in range(count)], when
        )
        await uow.commit()
    while True:  # one per chat at a time, as the sender claims them
        async with uow_factory() as uow:
            claimed = await uow.outbox.claim("telegram", when, limit=500)
            await uow.outbox.mark_all_sent([(row.id, "m", None) for row, _ in claimed], when)
            await uow.commit()
        if not claimed:
            return


async def _kept(uow_factory: Factory) -> tuple[int, int]:
    """Inbox and outbox rows whose payload is still stored."""
    async with uow_factory() as uow:
        inbox_rows = await uow._active.scalar(text("SELECT count(*) FROM inbox WHERE payload IS NOT NULL"))
        outbox_rows = await uow._active.scalar(text("SELECT count(*) FROM outbox WHERE payload IS NOT NULL"))
        return int(inbox_rows or 0), int(outbox_rows or 0)


async def test_the_scheduler_prunes_once_a_local_day(
    uow_factory: Factory, services: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runs: list[datetime] = []
    real_prune = retention.prune

    async def counted(uow_factory: Any, now: datetime, *args: Any, **kwargs: Any) -> retention.PruneRun:
        runs.append(now)
        return await real_prune(uow_factory, now, *args, **kwargs)

    monkeypatch.setattr(retention, "prune", counted)
    await _handled_long_ago(uow_factory, 5)
    morning = datetime(2025, 1, 31, 0, 0, tzinfo=UTC)  # 07:00 in Hà Nội, 30 days and more after LONG_AGO
    async with uow_factory() as uow:  # handled yesterday: kept for now
        fresh = await uow.inbox.add("telegram", "fresh", "u:fresh", {"text": "hôm qua"}, morning)
        assert fresh is not None
        await uow.inbox.mark_done(fresh, morning - timedelta(days=1))
        await uow.commit()
    exports = tmp_path / "exports"
    exports.mkdir()
    old_file, new_file = exports / "1-bang-tong-hop.xlsx", exports / "2-bang-tong-hop.xlsx"
    old_file.write_bytes(b"old")
    new_file.write_bytes(b"new")
    os.utime(old_file, (LONG_AGO.timestamp(), LONG_AGO.timestamp()))
    os.utime(new_file, (morning.timestamp(), morning.timestamp()))
    services = dataclasses.replace(services, files=FolderFileStore(tmp_path / "evidence", exports))
    policy = ReminderPolicy()

    await scheduler_tick(uow_factory, services, policy, morning)
    assert len(runs) == 1 and await _kept(uow_factory) == (1, 0)
    assert not old_file.exists() and new_file.exists()
    for minutes in (1, 30, 600):  # every later tick of the same local day: no new prune
        await scheduler_tick(uow_factory, services, policy, morning + timedelta(minutes=minutes))
    assert len(runs) == 1
    async with uow_factory() as uow:  # the day is stored: a restarted process does not prune again today
        assert (await uow.key_values.get(retention.PRUNED_ON) or {}).get("day") == "2025-01-31"
    later = morning + timedelta(days=30)
    await scheduler_tick(uow_factory, services, policy, later)
    assert len(runs) == 2 and await _kept(uow_factory) == (0, 0)
    async with uow_factory() as uow:  # pruned, still a redelivery
        assert await uow.inbox.add("telegram", "fresh", "u:fresh", {"text": "hôm qua"}, later) is None
        assert await uow.inbox.add("telegram", "3", "3", telegram_like(3, text="tin 3"), later) is None


async def test_a_large_prune_goes_in_short_transactions_and_never_holds_the_loop(
    sqlite_uow_factory: Factory,
) -> None:
    rows = 3 * retention.CHUNK + 10
    await _handled_long_ago(sqlite_uow_factory, rows)
    chunks: list[int] = []
    gaps: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while not stop.is_set():
            await asyncio.sleep(0)
            gaps.append(loop.time() - last)
            last = loop.time()

    ticking = asyncio.create_task(ticker())
    try:
        run = await retention.prune(
            sqlite_uow_factory, LONG_AGO + timedelta(days=31), 30, on_chunk=chunks.append
        )
    finally:
        stop.set()
        await ticking
    assert (run.inbox, run.outbox) == (rows, rows)
    assert chunks[:4] == [retention.CHUNK, retention.CHUNK, retention.CHUNK, 10]  # the inbox, then the outbox
    assert len(chunks) == 8 and sum(chunks) == 2 * rows
    assert max(gaps) < 0.1, f"the loop was held {max(gaps):.3f} s"
    assert await _kept(sqlite_uow_factory) == (0, 0)
