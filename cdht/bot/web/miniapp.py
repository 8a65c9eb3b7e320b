"""The Mini App under `/app` on the bot's HTTP server: its routes, its middlewares (security headers, sign-in,
refusals in Vietnamese, the sliding session) and its packaged static files."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

import structlog
from aiohttp import web

from cdht.bot.composition import App
from cdht.bot.web import dossier_pages, progress_pages, review_pages, signin
from cdht.bot.web.rendering import page, template_environment
from cdht.bot.web.security import (
    Handler,
    OpenLinks,
    Sessions,
    miniapp_secret,
    security_headers,
    set_session_cookie,
)
from cdht.bot.web.server import Routes
from cdht.bot.web.state import STATE, MiniApp
from cdht.bot.web.viewer import RENEWED, NotSignedIn, Refused
from cdht.pipeline.channel import Channel

log = structlog.get_logger(__name__)

PREFIX = "/app"
STATIC = {"app.css": "text/css", "app.js": "text/javascript"}


def miniapp_routes(application: App, channels: Sequence[Channel]) -> Routes:
    settings = application.settings
    public_url = settings.public_url
    if not public_url:
        raise ValueError("the Mini App needs CDHT_PUBLIC_URL")
    secret = miniapp_secret(settings)
    assets = {name: files("cdht.bot.web").joinpath("static", name).read_bytes() for name in STATIC}
    version = hashlib.sha256(b"".join(assets.values())).hexdigest()[:12]
    templates = template_environment(settings.timezone)
    templates.globals["asset_version"] = version
    for name in templates.list_templates():  # compiled at start, not by the first page under load
        templates.get_template(name)
    state = MiniApp(
        application=application,
        sessions=Sessions(secret, minutes=settings.miniapp_session_minutes),
        links=OpenLinks(public_url, secret, ttl_seconds=settings.miniapp_link_minutes * 60),
        templates=templates,
        fetcher=channels[0].fetcher if channels else _NoMedia(),
        telegram_token=settings.telegram_token.get_secret_value() if settings.telegram_token else None,
        secure_cookie=public_url.startswith("https://"),
    )

    def add(root: web.Application) -> None:
        app = web.Application(middlewares=[security_headers, _signed_in])
        app[STATE] = state
        app.router.add_get("/", signin.home)
        app.router.add_post("/session", signin.telegram_session)
        app.router.add_get("/open", signin.open_link)
        app.router.add_post("/open", signin.use_link)
        app.router.add_post("/signout", signin.sign_out)
        app.router.add_get("/progress", progress_pages.progress)
        app.router.add_get("/progress/{code}", progress_pages.progress)
        app.router.add_get("/chart/{code}/{name}", progress_pages.chart)
        app.router.add_get("/review", review_pages.review_home)
        app.router.add_get("/review/{code}", review_pages.review_page)
        app.router.add_post("/review/{code}/approve", review_pages.approve)
        app.router.add_post("/review/{code}/return", review_pages.return_answers)
        app.router.add_get("/review/{code}/evidence/{evidence}", review_pages.evidence)
        app.router.add_get("/dossier", dossier_pages.dossier)
        app.router.add_get("/dossier/{code}", dossier_pages.dossier)
        app.router.add_post("/dossier/{code}", dossier_pages.ask)
        app.router.add_get("/jobs/{job}/file", dossier_pages.download)
        app.router.add_get("/static/{name}", _static(assets))
        root.add_subapp(PREFIX, app)
        log.info("mini app served", url=public_url.rstrip("/") + PREFIX)

    return add


@web.middleware
async def _signed_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No session: the launcher (it signs in from Telegram's data, or says to open from the bot). A refusal: a
    page that says why. A session past half its life: a fresh cookie with the answer."""
    state: MiniApp = request.config_dict[STATE]
    try:
        response = await handler(request)
    except NotSignedIn:
        return await signin.launcher(request)
    except Refused as refused:
        return await page(
            request, "message.html", status=refused.status, title="Không mở được", message=refused.message
        )
    token = request.get(RENEWED)
    if token is not None and not response.prepared:
        settings = state.application.settings
        set_session_cookie(
            response,
            token,
            secure=state.secure_cookie,
            samesite=settings.miniapp_cookie_samesite,
            max_age=int(settings.miniapp_session_minutes * 60),
        )
    return response


def _static(assets: dict[str, bytes]) -> Any:
    async def serve(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in assets:
            raise web.HTTPNotFound
        return web.Response(
            body=assets[name],
            content_type=STATIC[name],
            charset="utf-8",
            headers={"Cache-Control": "public, max-age=86400"},  # the pages ask for ?v=<content hash>
        )

    return serve


class _NoMedia:
    """No channel in this process (the console demo): the Mini App never fetches media anyway."""

    async def fetch(self, media: Any) -> bytes | None:
        return None
