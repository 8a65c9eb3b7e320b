"""The Progress page: the units in the viewer's scope against the circular's criteria, drilling down from a
province to its communes and a commune's villages; and the charts drawn for chat, as images."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote

from aiohttp import web

from cdht.bot.web.reading import long_read, unit_for
from cdht.bot.web.rendering import page
from cdht.bot.web.state import MiniApp, state_of
from cdht.bot.web.viewer import Refused, viewer_of
from cdht.handlers.exports.renderings import render_job
from cdht.handlers.facts_loader import UnitTreeError
from cdht.handlers.officer.progress_grid import progress_grid
from cdht.handlers.ports import JobRecord

CHART_NAME = re.compile(r"^([12])\.png$")


async def progress(request: web.Request) -> web.StreamResponse:
    viewer = await viewer_of(request)
    unit = await unit_for(request, viewer)
    if unit.tier == "village":
        raise web.HTTPSeeOther(f"/app/review/{quote(unit.code)}")
    state = state_of(request)
    validity = state.application.settings.recognition_validity
    year, today = state.year, state.today()
    try:
        grid = await long_read(
            state, lambda uow: progress_grid(uow, viewer.person, unit, year, today, validity)
        )
    except UnitTreeError as broken:
        raise Refused(f"⚠️ {broken}", status=409) from broken
    return await page(
        request, "progress.html", viewer=viewer, grid=grid, nav="progress", chart_numbers=(1, 2)
    )


async def chart(request: web.Request) -> web.Response:
    """The charts `/bieudo` sends, drawn in a thread (a few hundred milliseconds of matplotlib) and kept a
    minute for whoever in scope asks next (each progress page shows two); the browser keeps them five."""
    viewer = await viewer_of(request)
    unit = await unit_for(request, viewer)
    match = CHART_NAME.match(request.match_info["name"])
    if match is None or unit.tier == "village":
        raise web.HTTPNotFound
    state = state_of(request)
    key = (unit.code, state.year)
    drawn = state.charts.get(key, state.clock())
    if drawn is None:
        drawn = await _draw(state, unit.code)
        state.charts.put(key, drawn, state.clock())
    index = int(match.group(1)) - 1
    if index >= len(drawn):
        raise web.HTTPNotFound
    return web.Response(
        body=drawn[index], content_type="image/png", headers={"Cache-Control": "private, max-age=300"}
    )


async def _draw(state: MiniApp, code: str) -> tuple[bytes, ...]:
    now = state.now()
    job = JobRecord("chart", {"unit": code, "year": state.year}, "pending", now)
    services = state.services()
    try:
        rendered = await long_read(state, lambda uow: render_job(uow, job, services, now))
    except UnitTreeError as broken:
        raise Refused(f"⚠️ {broken}", status=409) from broken
    return tuple(await asyncio.to_thread(lambda: [render() for _, _, render in rendered.parts]))
