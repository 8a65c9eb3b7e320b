"""The bot's own HTTP server on `CDHT_HTTP_HOST:CDHT_HTTP_PORT`, behind `CDHT_PUBLIC_URL`: Zalo's webhook, the signed
file links Zalo fetches photos and exports from, and the Mini App pages. One server whatever the channels; it runs
in the receiving process only (`cdht run`), and only when something is routed on it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import structlog
from aiohttp import web

log = structlog.get_logger(__name__)

Routes = Callable[[web.Application], None]
MAX_BODY = 1024 * 1024  # webhook updates and forms; nothing uploads files through this server


class HttpServer:
    def __init__(self, host: str, port: int, routes: Sequence[Routes]) -> None:
        self.host, self.port = host, port
        self.app = web.Application(client_max_size=MAX_BODY)
        for add in routes:
            add(self.app)
        self._runner: web.AppRunner | None = None

    @property
    def has_routes(self) -> bool:
        return len(self.app.router.resources()) > 0  # routes, and sub-applications (the Mini App)

    async def start(self) -> None:
        if not self.has_routes:
            return
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("http server listening", host=self.host, port=self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
