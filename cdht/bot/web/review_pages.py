"""The Review page: a village's (or a commune's own) answers with their evidence side by side; a commune officer
approves them or returns chosen answers with a reason through the same use cases as /duyet, so the same audit
entries and the same messages to the village head follow."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from aiohttp import web

from cdht.bot.files_server import file_response
from cdht.bot.web.reading import record_number, unit_for
from cdht.bot.web.rendering import page
from cdht.bot.web.state import state_of
from cdht.bot.web.viewer import Refused, Viewer, first, form_of, viewer_of
from cdht.handlers.command_table import allowed
from cdht.handlers.officer import review
from cdht.handlers.officer.progress_grid import village_row
from cdht.handlers.officer.review_sheet import evidence_in_unit, review_sheet
from cdht.handlers.officer.village_status import village_states
from cdht.handlers.ports import MissingFile, UnitRecord

REASON_MAX_CHARS = 500  # review.html's text area
NOTICES = {
    "approved": "🟢 Đã duyệt. Trưởng thôn đã được báo.",
    "returned": "↩️ Đã trả lại các câu đã chọn. Trưởng thôn đã được báo để sửa.",
}


async def review_page(request: web.Request) -> web.StreamResponse:
    viewer = await viewer_of(request)
    unit = await unit_for(request, viewer)
    if unit.tier == "commune":
        return await _commune(request, viewer, unit)
    if unit.tier != "village":
        raise web.HTTPSeeOther(f"/app/progress/{quote(unit.code)}")
    return await _village(request, viewer, unit, notice=NOTICES.get(request.query.get("done", "")))


async def _commune(request: web.Request, viewer: Viewer, commune: UnitRecord) -> web.Response:
    state = state_of(request)
    year, zone = state.year, state.application.settings.timezone
    async with state.application.uow() as uow:
        villages = await village_states(uow, commune, year)
        sheet = await review_sheet(uow, viewer.person, commune, year, zone)
    return await page(
        request,
        "review_list.html",
        viewer=viewer,
        nav="review",
        unit=commune,
        villages=[village_row(state) for state in villages],
        sheet=sheet,
        year=year,
    )


async def _village(
    request: web.Request,
    viewer: Viewer,
    village: UnitRecord,
    *,
    notice: str | None = None,
    error: str | None = None,
    picked: tuple[str, ...] = (),
    reason: str = "",
    status: int = 200,
) -> web.Response:
    state = state_of(request)
    year, zone = state.year, state.application.settings.timezone
    async with state.application.uow() as uow:
        sheet = await review_sheet(uow, viewer.person, village, year, zone)
        parent = await uow.units.get(village.parent_id) if village.parent_id is not None else None
    return await page(
        request,
        "review.html",
        status=status,
        viewer=viewer,
        nav="review",
        sheet=sheet,
        parent=parent,
        notice=notice,
        error=error,
        picked=picked,
        reason=reason,
    )


async def approve(request: web.Request) -> web.StreamResponse:
    viewer, village, _ = await _action(request, "duyet_ok")
    state = state_of(request)
    async with state.application.uow() as uow:
        await review.approve(uow, viewer.person, village, state.year, state.now())
        await uow.commit()
    raise web.HTTPSeeOther(f"/app/review/{quote(village.code)}?done=approved")


async def return_answers(request: web.Request) -> web.StreamResponse:
    viewer, village, form = await _action(request, "tralai")
    state = state_of(request)
    picked = tuple(form.get("q", ()))
    reason = first(form, "reason").strip()
    if len(reason) > REASON_MAX_CHARS:  # the text area's maxlength, for a post made by hand
        error = f"Lý do dài quá: tối đa {REASON_MAX_CHARS} ký tự."
        return await _village(request, viewer, village, error=error, picked=picked, status=422)
    try:
        async with state.application.uow() as uow:
            await review.return_answers(
                uow, viewer.person, village, state.year, picked, reason, state.now(), viewer.claims.channel
            )
            await uow.commit()
    except review.ReturnRefused as refused:
        return await _village(
            request, viewer, village, error=refused.message, picked=picked, reason=reason, status=422
        )
    raise web.HTTPSeeOther(f"/app/review/{quote(village.code)}?done=returned")


async def _action(request: web.Request, command: str) -> tuple[Viewer, UnitRecord, dict[str, list[str]]]:
    """An approval or a return: the /duyet rule (a commune officer, a village in scope), after CSRF."""
    viewer = await viewer_of(request)
    form = await form_of(request, viewer)
    unit = await unit_for(request, viewer)
    if not allowed(viewer.person.role, command) or unit.tier != "village":
        raise Refused("Chỉ cán bộ xã duyệt hoặc trả lại số liệu của thôn.")
    return viewer, unit, form


async def evidence(request: web.Request) -> web.Response:
    """An evidence file of a unit in scope, by its record's number; never by a path or a hash from the URL."""
    viewer = await viewer_of(request)
    unit = await unit_for(request, viewer)
    number = record_number(request.match_info["evidence"])
    if number is None:
        raise web.HTTPNotFound
    state = state_of(request)
    async with state.application.uow() as uow:
        record = await evidence_in_unit(uow, unit, state.year, number)
    if record is None or not record.sha256:
        raise web.HTTPNotFound
    try:
        content = await asyncio.to_thread(state.application.files.read_bytes, record.sha256)
    except MissingFile as missing:
        raise web.HTTPNotFound from missing
    name = record.original_name or f"minh-chung-{record.id}"
    return file_response(content, name, cache="private, max-age=600")


async def review_home(request: web.Request) -> web.StreamResponse:
    """«Duyệt số liệu»: a commune officer's own commune; others review from the progress pages below them."""
    viewer = await viewer_of(request)
    if viewer.unit.tier == "commune":
        return await _commune(request, viewer, viewer.unit)
    raise web.HTTPSeeOther("/app/progress")
