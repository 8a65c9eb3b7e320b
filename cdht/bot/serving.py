"""What `cdht run` runs in one process: the channels (`cdht.pipeline.runner`) and, in the receiving process, the
bot's HTTP server with what is routed on it (Zalo's webhook and file links, the Mini App)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Protocol, runtime_checkable

from aiohttp import web

from cdht.bot.composition import App, miniapp_url
from cdht.bot.web.server import HttpServer, Routes
from cdht.pipeline import runner
from cdht.pipeline.channel import Channel


@runtime_checkable
class Routed(Protocol):
    """A channel with routes of its own on the HTTP server (Zalo)."""

    def add_routes(self, app: web.Application) -> None: ...


def http_server(application: App, channels: Sequence[Channel]) -> HttpServer:
    routes: list[Routes] = [c.add_routes for c in channels if isinstance(c, Routed)]
    if miniapp_on(application):
        from cdht.bot.web.miniapp import miniapp_routes

        routes.append(miniapp_routes(application, channels))
    settings = application.settings
    return HttpServer(settings.http_host, settings.http_port, routes)


def miniapp_on(application: App) -> bool:
    return miniapp_url(application.settings) is not None


@asynccontextmanager
async def pages_served(application: App) -> AsyncIterator[None]:
    """The Mini App alone, while a console chat runs (`cdht chat`, the demo): its signed links then open."""
    server = http_server(application, ())
    await server.start()
    try:
        yield
    finally:
        await server.stop()


async def serve(
    application: App,
    channels: Sequence[Channel],
    *,
    stop: asyncio.Event,
    receive: bool = True,
    background: bool = True,
    timing: runner.Timing | None = None,
    clock: Callable[[], datetime] = runner.utc_now,
    install_signal_handlers: bool = True,
    server: HttpServer | None = None,
) -> None:
    """The HTTP server listens before the channels start (Zalo's setWebhook needs it), and stops after them.
    `server`: built already (`cdht run` builds it before freezing its heap); else built here when receiving."""
    if server is None and receive:
        server = http_server(application, channels)
    if server is not None:
        await server.start()
    try:
        await runner.run_channels(
            application,
            channels,
            timing=timing,
            stop=stop,
            clock=clock,
            install_signal_handlers=install_signal_handlers,
            receive=receive,
            background=background,
        )
    finally:
        if server is not None:
            await server.stop()
