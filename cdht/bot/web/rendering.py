"""Pages from Jinja2 templates shipped in the package (`templates/`, `static/`): nothing is fetched from elsewhere
at run time. A province's table is a few thousand cells, so templates render in a thread, not on the loop."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined

from cdht.bot.web.state import state_of
from cdht.handlers.officer.progress_report import LEGEND, MARKS
from cdht.scoring.vn_format import format_int

STATUS_MARKS = {status.value: mark for status, mark in MARKS.items()}  # as the chat marks them


def template_environment(timezone: str) -> Environment:
    environment = Environment(
        loader=PackageLoader("cdht.bot.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    zone = ZoneInfo(timezone)
    environment.filters["vn_int"] = format_int
    environment.filters["local_time"] = lambda moment: _local(moment, zone)
    environment.globals["marks"] = STATUS_MARKS
    environment.globals["legend"] = LEGEND
    return environment


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M %d/%m/%Y") if moment is not None else ""


async def page(request: web.Request, name: str, *, status: int = 200, **context: Any) -> web.Response:
    state = state_of(request)
    template = state.templates.get_template(name)
    context.setdefault("viewer", None)
    context.setdefault("year", state.year)
    html = await asyncio.to_thread(template.render, **context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
