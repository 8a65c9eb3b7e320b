"""Group commit: concurrent callers share a transaction, each gets its own results, a failure stays with the
caller whose item caused it, and a caller that goes away strands no one."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from cdht.pipeline.group_commit import GroupCommit


class Store:
    def __init__(self) -> None:
        self.transactions: list[list[str]] = []
        self.committed: list[str] = []

    async def write(self, items: Sequence[str]) -> list[int]:
        await asyncio.sleep(0.01)  # the commit: others arrive meanwhile
        if "bad" in items:
            raise ValueError("a row the database refuses")
        self.transactions.append(list(items))
        self.committed.extend(items)
        return [len(item) for item in items]


async def test_concurrent_callers_share_transactions_and_get_their_own_results() -> None:
    store = Store()
    group = GroupCommit(store.write)
    calls = [[f"u{n}", f"v{n}" * n] for n in range(1, 21)]
    results = await asyncio.gather(*(group.submit(items) for items in calls))
    assert results == [[len(a), len(b)] for a, b in calls]
    assert sorted(store.committed) == sorted(item for items in calls for item in items)
    assert len(store.transactions) <= 3  # the first alone, then everyone who arrived while it committed


async def test_a_failing_item_fails_its_own_caller_only() -> None:
    store = Store()
    group = GroupCommit(store.write)

    async def later(items: list[str]) -> list[int]:
        await asyncio.sleep(0)
        return await group.submit(items)

    first = asyncio.ensure_future(group.submit(["a"]))
    others = [asyncio.ensure_future(later(items)) for items in (["bb"], ["bad", "cc"], ["ddd"])]
    assert await first == [1]
    assert await others[0] == [2]
    with pytest.raises(ValueError, match="refuses"):
        await others[1]
    assert await others[2] == [3]
    assert sorted(store.committed) == ["a", "bb", "ddd"]  # nothing of the failing caller was kept


async def test_a_caller_that_goes_away_does_not_strand_the_others() -> None:
    store = Store()
    group = GroupCommit(store.write)
    leaving = asyncio.ensure_future(group.submit(["x"]))
    await asyncio.sleep(0)  # its write has started
    staying = asyncio.ensure_future(group.submit(["y"]))
    leaving.cancel()
    assert await asyncio.wait_for(staying, 1) == [1]
    assert store.committed == ["x", "y"]  # what was on its way was still written
