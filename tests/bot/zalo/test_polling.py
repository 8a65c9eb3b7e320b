"""Long polling when getUpdates fails: Zalo's error table calls 403 "Internal server error", so a 403 (like a
5xx or a dropped connection) is waited out with a growing pause while the bot keeps running; only 401, a token
that is not valid, stops it."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cdht.bot.zalo.client import ZaloAPIError, ZaloBotClient
from cdht.bot.zalo.intake import update_intake
from cdht.bot.zalo.polling import MAX_RETRY_SECONDS, poll_updates, retry_delay
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.bot.zalo.harness import AN, FAST, running_zalo_bot
from tests.fakes.zalo_api import TOKEN, Call, FakeZaloAPI


async def test_get_updates_answered_403_backs_off_and_polls_on_until_zalo_answers_again(
    tmp_path: Path,
) -> None:
    async with running_zalo_bot(tmp_path) as bot:
        an = bot.user(AN)

        def polls() -> list[Call]:
            return [c for c in bot.api.calls if c.method == "getUpdates"]

        before = len(polls())
        bot.api.fail_next("getUpdates", 403, times=4)
        await bot.api.end_polls()  # the poll in flight ends; the next four are answered 403
        await bot.api.wait_until(lambda: len(polls()) >= before + 5, seconds=10)  # and one more after them
        refused = [c for c in polls()[before:] if c.status == 403]
        assert len(refused) == 4 and bot.running
        gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(refused)]
        for failures, gap in enumerate(gaps):  # each pause twice the one before
            assert gap >= 0.9 * FAST.retry_seconds * 2**failures, gaps

        replies = await bot.say(an, "xin chào")  # Zalo answers normally again: the update is handled
        assert len(replies) == 1 and "mã mời" in replies[0]
        assert bot.running


async def test_only_an_invalid_token_stops_polling(
    sqlite_uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    api = FakeZaloAPI()
    await api.start()
    client = ZaloBotClient(TOKEN, api.base_url)
    try:
        for status in (403, 403, 500, 409, 401):
            api.fail_next("getUpdates", status)
        intake = update_intake(sqlite_uow_factory, lambda: datetime.now(UTC))
        polling = poll_updates(client, intake, asyncio.Event(), poll_seconds=1, retry_seconds=0.01)
        with pytest.raises(ZaloAPIError) as stopped:
            await asyncio.wait_for(polling, 10)
        assert stopped.value.code == 401
        assert [c.status for c in api.calls if c.method == "getUpdates"] == [403, 403, 500, 409, 401]
    finally:
        await client.aclose()
        await api.close()


def test_the_pause_after_failed_polls_doubles_up_to_a_bound() -> None:
    assert [retry_delay(1.0, failures) for failures in range(4)] == [1.0, 2.0, 4.0, 8.0]
    assert retry_delay(1.0, 10) == retry_delay(1.0, 10_000) == MAX_RETRY_SECONDS
    assert retry_delay(2 * MAX_RETRY_SECONDS, 3) == 2 * MAX_RETRY_SECONDS  # never shorter than the first
