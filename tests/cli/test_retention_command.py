"""`cdht prune` on a real SQLite file: what is older than the retention period loses its content (handled
updates, sent messages, exported files), what is recent or still waiting keeps it, and a redelivered update
is still turned away."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdht.cli.app import app

CONTACT = {"message": {"contact": {"phone_number": "84902000001", "first_name": "An", "user_id": 7001}}}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CDHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CDHT_DATABASE_URL", raising=False)
    monkeypatch.delenv("CDHT_RETENTION_DAYS", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


async def _store(days_ago: int, external_id: str, *, handled: bool = True) -> None:
    from cdht.bot.composition import open_app

    when = datetime.now(UTC) - timedelta(days=days_ago)
    async with open_app() as application:
        await application.database.upgrade()
        async with application.uow() as uow:
            inbox_id = await uow.inbox.add("telegram", external_id, "7001", CONTACT, when)
            outbox_id = await uow.outbox.add("telegram", "7001", {"text": "Chào An (0902000001)"}, when)
            assert inbox_id is not None and outbox_id is not None
            if handled:
                await uow.inbox.mark_done(inbox_id, when)
                await uow.outbox.mark_sent(outbox_id, "1", when)
            await uow.commit()


async def _kept() -> tuple[list[str], list[str], bool]:
    """The updates and messages still holding their content, and whether update "old" is still known."""
    from cdht.bot.composition import open_app

    async with open_app() as application, application.uow() as uow:
        later = datetime.now(UTC) + timedelta(days=400)
        inbox_ids = [e.external_id for e in await uow.inbox.claim("telegram", limit=10)]
        inbox_left = await uow.inbox.prunable_count(later)
        outbox_left = await uow.outbox.prunable_count(later)
        redelivery = await uow.inbox.add("telegram", "old", "7001", CONTACT, datetime.now(UTC))
        await uow.rollback()
    return inbox_ids, [f"inbox {inbox_left}", f"outbox {outbox_left}"], redelivery is None


def test_prune_drops_what_is_older_than_the_retention_period(data_dir: Path) -> None:
    asyncio.run(_store(45, "old"))
    asyncio.run(_store(3, "recent"))
    asyncio.run(_store(45, "waiting", handled=False))  # not handled yet: kept whatever its age
    exports = data_dir / "exports"
    exports.mkdir(parents=True)
    (exports / "1-bang-tong-hop.xlsx").write_bytes(b"old")
    (exports / "2-bang-tong-hop.xlsx").write_bytes(b"new")
    long_ago = (datetime.now(UTC) - timedelta(days=45)).timestamp()
    os.utime(exports / "1-bang-tong-hop.xlsx", (long_ago, long_ago))
    runner = CliRunner()

    result = runner.invoke(app, ["prune", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert (
        "Sẽ xóa nội dung của 1 tin nhắn đến đã xử lý, 1 tin nhắn đã gửi và 1 tệp xuất cũ hơn 30 ngày."
        in result.stdout
    )
    assert (exports / "1-bang-tong-hop.xlsx").exists()

    result = runner.invoke(app, ["prune"])
    assert result.exit_code == 0, result.output
    assert (
        "Đã xóa nội dung của 1 tin nhắn đến đã xử lý, 1 tin nhắn đã gửi và 1 tệp xuất cũ hơn 30 ngày."
        in result.stdout
    )
    assert sorted(path.name for path in exports.iterdir()) == ["2-bang-tong-hop.xlsx"]
    waiting, left, known = asyncio.run(_kept())
    assert (
        waiting == ["waiting"] and left == ["inbox 1", "outbox 1"] and known
    )  # the recent ones; "old" known

    result = runner.invoke(app, ["prune", "--days", "2"])
    assert (
        "Đã xóa nội dung của 1 tin nhắn đến đã xử lý, 1 tin nhắn đã gửi và 0 tệp xuất cũ hơn 2 ngày."
        in result.stdout
    )
    assert asyncio.run(_kept())[1] == ["inbox 0", "outbox 0"]
    for bad in ("0", "-3", "ba mươi"):
        result = runner.invoke(app, ["prune", "--days", bad])
        assert result.exit_code == 1 and "Số ngày lưu giữ phải là một số nguyên từ 1 trở lên" in result.output
