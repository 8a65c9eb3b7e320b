"""Inbox updates handled in batches: several people's updates in one transaction, and a failing update
rolls its batch back and is then counted against itself alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.bot.console.channel import LocalFileFetcher
from cdht.conversations.inbound import Inbound, Media, Text
from cdht.handlers.context import Sender, Services
from cdht.pipeline.inbox import process_batch
from cdht.storage import sqlite_inline
from cdht.storage.batch_unit_of_work import SqlBatchUnitOfWork
from cdht.storage.folder_files import FolderFileStore
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW, statements

Factory = Callable[[], SqlUnitOfWork]
BatchFactory = Callable[[], SqlBatchUnitOfWork]


def decode(payload: dict[str, Any]) -> tuple[Sender, Inbound] | None:
    if payload.get("boom"):
        raise ValueError("an update the decoder chokes on")
    chat = str(payload["chat"])
    return Sender("telegram", chat, chat, "Khách"), Text(payload["text"])


async def _queue(uow_factory: Factory, updates: list[tuple[str, dict[str, Any]]]) -> list[int]:
    ids = []
    async with uow_factory() as uow:
        for external_id, payload in updates:
            ids.append(await uow.inbox.add("telegram", external_id, str(payload["chat"]), payload, NOW))
        await uow.commit()
    return [i for i in ids if i is not None]


async def _states(uow_factory: Factory) -> dict[str, tuple[str, int]]:
    async with uow_factory() as uow:
        rows = await uow._active.execute(text("SELECT external_id, status, attempts FROM inbox"))
        return {row.external_id: (row.status, row.attempts) for row in rows}


async def test_several_people_are_handled_in_one_batch_in_order(
    uow_factory: Factory, batch_uow_factory: BatchFactory, tmp_path: Path
) -> None:
    services = Services(files=FolderFileStore(tmp_path), fetcher=LocalFileFetcher(), year=2025)
    ids = await _queue(
        uow_factory,
        [
            ("1", {"chat": 11, "text": "xin chào"}),
            ("2", {"chat": 12, "text": "xin chào"}),
            ("3", {"chat": 11, "text": "còn tôi"}),  # the same person again: waits for their first
            ("4", {"chat": 13, "text": "xin chào"}),
        ],
    )
    assert await process_batch(batch_uow_factory, {"telegram": decode}, services, lambda: NOW) == 3
    assert await _states(uow_factory) == {
        "1": ("done", 0),
        "2": ("done", 0),
        "3": ("pending", 0),
        "4": ("done", 0),
    }
    assert await process_batch(batch_uow_factory, {"telegram": decode}, services, lambda: NOW) == 1
    async with uow_factory() as uow:
        replies = [await uow.outbox.for_inbox(inbox_id) for inbox_id in ids]
    assert all(replies), "every update got its reply"
    assert [r[0].chat_id for r in replies] == ["11", "12", "11", "13"]


async def test_a_failing_update_rolls_back_its_batch_and_only_it_counts_an_attempt(
    uow_factory: Factory, batch_uow_factory: BatchFactory, tmp_path: Path
) -> None:
    services = Services(files=FolderFileStore(tmp_path), fetcher=LocalFileFetcher(), year=2025)
    ids = await _queue(
        uow_factory,
        [
            ("1", {"chat": 11, "text": "xin chào"}),
            ("2", {"chat": 12, "text": "xin chào", "boom": True}),
            ("3", {"chat": 13, "text": "xin chào"}),
        ],
    )
    assert await process_batch(batch_uow_factory, {"telegram": decode}, services, lambda: NOW) == 3
    assert await _states(uow_factory) == {"1": ("done", 0), "2": ("pending", 1), "3": ("done", 0)}
    async with uow_factory() as uow:
        counts = [len(await uow.outbox.for_inbox(inbox_id)) for inbox_id in ids]
    first = counts[0]
    assert first >= 1 and counts == [first, 0, first]  # the rolled-back batch left no second reply


class OtherWriterDuringDownload:
    """A fetcher that, while it downloads, lets another writer (a webhook call) try to store something."""

    def __init__(self, uow_factory: Factory) -> None:
        self._uow_factory = uow_factory
        self.other_writer_got_through: bool | None = None

    async def fetch(self, media: Media) -> bytes | None:
        try:
            async with self._uow_factory() as uow:
                await uow.inbox.add("telegram", "during-download", "u:other", {"n": 0}, NOW)
                await uow.commit()
            self.other_writer_got_through = True
        except OperationalError:
            self.other_writer_got_through = False
        return b"not really a photo"


async def test_a_photo_in_a_batch_is_downloaded_without_holding_the_database(
    sqlite_uow_factory: Factory,
    sqlite_batch_uow_factory: BatchFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sqlite_inline, "BUSY_SECONDS", 0.3)
    async with sqlite_uow_factory() as uow:
        unit = await uow.units.add("V1", "Thôn Một", "village", None, NOW)
        head = await uow.people.add("Trưởng thôn", "+84911111111", "village_head", unit.id, NOW)
        await uow.people.link_identity(head.id, "telegram", "21", "21", NOW)
        await uow.commit()
    fetcher = OtherWriterDuringDownload(sqlite_uow_factory)
    services = Services(files=FolderFileStore(tmp_path), fetcher=fetcher, year=2025)
    await _queue(
        sqlite_uow_factory,
        [("1", {"chat": 11, "text": "xin chào"}), ("2", {"chat": 21, "photo": "file-1"})],
    )
    assert (
        await process_batch(sqlite_batch_uow_factory, {"telegram": decode_with_photos}, services, lambda: NOW)
        == 2
    )
    assert fetcher.other_writer_got_through is True  # the stranger's reply was already written: not held
    states = await _states(sqlite_uow_factory)
    assert states["1"] == ("done", 0) and states["2"] == ("done", 0)


def decode_with_photos(payload: dict[str, Any]) -> tuple[Sender, Inbound] | None:
    if "photo" in payload:
        chat = str(payload["chat"])
        return Sender("telegram", chat, chat, "Trưởng thôn"), Media("photo", payload["photo"], size=17)
    return decode(payload)


def decode_heads(payload: dict[str, Any]) -> tuple[Sender, Inbound] | None:
    chat = str(payload["chat"])
    return Sender("telegram", chat, chat, "Trưởng thôn"), Text(payload["text"])


async def test_a_batch_of_answers_costs_a_few_statements_not_a_few_per_answer(
    uow_factory: Factory,
    batch_uow_factory: BatchFactory,
    database_url_and_engine: tuple[str, AsyncEngine],
    tmp_path: Path,
) -> None:
    _, engine = database_url_and_engine
    heads = 10
    async with uow_factory() as uow:
        commune = await uow.units.add("C1", "Xã Một", "commune", None, NOW)
        for number in range(heads):
            village = await uow.units.add(f"V{number}", f"Thôn {number}", "village", commune.id, NOW)
            head = await uow.people.add(
                f"Trưởng {number}", f"+849100000{number:02d}", "village_head", village.id, NOW
            )
            await uow.people.link_identity(head.id, "telegram", str(100 + number), str(100 + number), NOW)
        await uow.commit()
    services = Services(files=FolderFileStore(tmp_path), fetcher=LocalFileFetcher(), year=2025)
    for step, text_answer in enumerate(("250", "1.000")):  # the first two questions: households, citizens
        await _queue(
            uow_factory,
            [(f"{step}-{n}", {"chat": 100 + n, "text": text_answer}) for n in range(heads)],
        )
        with statements(engine) as sent:
            assert (
                await process_batch(batch_uow_factory, {"telegram": decode_heads}, services, lambda: NOW)
                == heads
            )
    # the second batch: claim, 3 reads ahead, 4 writes (answers, audit, sessions, replies), marked done
    assert len(sent) <= 9, sent
    async with uow_factory() as uow:
        for number in range(heads):
            unit = await uow.units.by_code(f"V{number}")
            assert unit is not None
            answers = await uow.answers.latest(unit.id, 2025)
            # with the base the citizens were counted on (the commune declared none: everyone)
            assert {a.value for a in answers.values()} == {250, 1000, "all"}, answers
        replies = await uow.outbox.due("telegram", NOW, 100)
        assert sorted({r.chat_id for r in replies}) == sorted(str(100 + n) for n in range(heads))
