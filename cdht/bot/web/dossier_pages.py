"""The Dossier page: the files of a unit's dossier the viewer may have, asked for here and made by the jobs runner
(which also sends them in chat), then downloaded from the page."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from aiohttp import web

from cdht.bot.files_server import file_response
from cdht.bot.web.reading import record_number, unit_for
from cdht.bot.web.rendering import page
from cdht.bot.web.state import state_of
from cdht.bot.web.viewer import Refused, Viewer, first, form_of, viewer_of
from cdht.handlers.exports.dossier_page import (
    ExportRefused,
    export_choices,
    export_file,
    recent_exports,
    request_export,
)
from cdht.handlers.ports import MissingFile, UnitRecord

ASKED = "⏳ Đang tạo tệp. Trang tự cập nhật; bot cũng gửi tệp vào cuộc trò chuyện khi xong."


async def dossier(request: web.Request) -> web.Response:
    viewer = await viewer_of(request)
    unit = await unit_for(request, viewer)
    notice = ASKED if request.query.get("done") == "asked" else None
    return await _show(request, viewer, unit, notice=notice)


async def ask(request: web.Request) -> web.StreamResponse:
    viewer = await viewer_of(request)
    form = await form_of(request, viewer)
    unit = await unit_for(request, viewer)
    state = state_of(request)
    fmt = first(form, "format")
    try:
        async with state.application.uow() as uow:
            await request_export(
                uow, viewer.person, unit, fmt, state.year, viewer.claims.channel, state.now()
            )
            await uow.commit()
    except ExportRefused as refused:
        return await _show(request, viewer, unit, error=refused.message, status=422)
    raise web.HTTPSeeOther(f"/app/dossier/{quote(unit.code)}?done=asked")


async def download(request: web.Request) -> web.Response:
    viewer = await viewer_of(request)
    number = record_number(request.match_info["job"])
    if number is None:
        raise web.HTTPNotFound
    state = state_of(request)
    async with state.application.uow() as uow:
        found = await export_file(uow, viewer.person, number)
    if found is None:
        raise Refused("Không tìm thấy tệp này, hoặc tệp đã quá thời hạn lưu.", status=404)
    job, name = found
    try:
        content = await asyncio.to_thread(state.application.files.read_bytes, job.result_path or "")
    except MissingFile as missing:
        raise Refused("Tệp đã quá thời hạn lưu. Xin tạo lại.", status=404) from missing
    return file_response(content, name)


async def _show(
    request: web.Request,
    viewer: Viewer,
    unit: UnitRecord,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> web.Response:
    state = state_of(request)
    async with state.application.uow() as uow:
        jobs = await recent_exports(uow, viewer.person, unit, state.year)
    return await page(
        request,
        "dossier.html",
        status=status,
        viewer=viewer,
        nav="dossier",
        unit=unit,
        choices=export_choices(unit),
        jobs=jobs,
        pending=any(job.status in ("pending", "running") for job in jobs),
        notice=notice,
        error=error,
    )
