"""Group commit: what concurrent callers want written goes into one transaction.

Under load (many webhook calls at once) each caller used to pay a whole transaction for one row. Here the
first caller writes, and whoever arrives while that write is under way waits for the next one, which takes
them all. Every caller returns only once its own items are committed, so "stored, then acknowledged" holds.
If a shared write fails, each caller's items are written again on their own: one caller's bad item fails
that caller alone."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    def __init__(self, write: Callable[[Sequence[Item]], Awaitable[list[Result]]]) -> None:
        """`write` stores the items in one transaction and returns one result per item, in order."""
        self._write = write
        self._waiting: list[tuple[Sequence[Item], asyncio.Future[list[Result]]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, items: Sequence[Item]) -> list[Result]:
        """Write `items` (with whatever else is waiting); returns their results once committed."""
        future: asyncio.Future[list[Result]] = asyncio.get_running_loop().create_future()
        self._waiting.append((items, future))
        if self._writer is None:
            # A task of its own: a caller that goes away (a dropped webhook call) does not strand the others.
            self._writer = asyncio.create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        try:
            while self._waiting:
                group, self._waiting = self._waiting, []
                await self._write_group(group)
        finally:
            self._writer = None
            for _, future in self._waiting:  # only left when the writer itself was cancelled
                _settle(future, error=asyncio.CancelledError())
            self._waiting = []

    async def _write_group(self, group: list[tuple[Sequence[Item], asyncio.Future[list[Result]]]]) -> None:
        try:
            try:
                results = await self._write([item for items, _ in group for item in items])
            except Exception as error:
                if len(group) == 1:
                    _settle(group[0][1], error=error)
                    return
                for items, future in group:  # find whose item it was: each on its own
                    try:
                        _settle(future, result=await self._write(items))
                    except Exception as alone:
                        _settle(future, error=alone)
                return
            start = 0
            for items, future in group:
                _settle(future, result=results[start : start + len(items)])
                start += len(items)
        except BaseException as error:  # cancelled (shutdown): nobody of this group is left waiting
            for _, future in group:
                _settle(future, error=error)
            raise


def _settle(
    future: asyncio.Future[list[Result]],
    *,
    result: list[Result] | None = None,
    error: BaseException | None = None,
) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result or [])
