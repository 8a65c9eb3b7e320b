"""Reads for pages: a unit of work for short reads on the loop, the composition root's thread reads for long ones
(a province's scores), and the unit a page names, checked against the viewer's scope."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web

from cdht.bot.web.state import MiniApp, state_of
from cdht.bot.web.viewer import Refused, Viewer
from cdht.handlers.ports import UnitOfWork, UnitRecord
from cdht.handlers.scope import unit_in_scope

T = TypeVar("T")
NOT_IN_SCOPE = "Không tìm thấy đơn vị này trong phạm vi của anh/chị."
# ASCII digits that fit a 64-bit key: str.isdigit() also takes «²» (which int() refuses) and any length.
RECORD_NUMBER = re.compile(r"[0-9]{1,18}")


async def long_read(state: MiniApp, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    reads = state.application.reads
    if reads is not None:
        return await reads.run(work)
    async with state.application.uow() as uow:
        return await work(uow)


async def unit_for(request: web.Request, viewer: Viewer) -> UnitRecord:
    """The unit in the URL (the viewer's own without one), or 404 — also for a unit outside their scope, whose
    existence is none of their business."""
    code = request.match_info.get("code")
    async with state_of(request).application.uow() as uow:
        unit = await unit_in_scope(uow, viewer.person, code)
    if unit is None:
        raise Refused(NOT_IN_SCOPE, status=404)
    return unit


def record_number(text: str) -> int | None:
    """A record's number from the URL; None for anything that cannot be one."""
    return int(text) if RECORD_NUMBER.fullmatch(text) else None
