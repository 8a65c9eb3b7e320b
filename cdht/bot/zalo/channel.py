"""The Zalo channel (a `cdht.pipeline.channel.Channel`): the client (pointed at `CDHT_ZALO_API_BASE`), the transport and
media fetcher, its routes on the bot's HTTP server (the webhook, and the signed file links Zalo fetches charts from),
and receiving by long polling or by webhook."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import structlog
from aiohttp import web

from cdht.bot.app_links import open_links
from cdht.bot.composition import file_store
from cdht.bot.files_server import FileLinks, add_file_routes, derive_secret
from cdht.bot.zalo.client import ZaloBotClient
from cdht.bot.zalo.decode import CHANNEL, decode
from cdht.bot.zalo.intake import PhotoTyping, update_intake
from cdht.bot.zalo.media import ZaloMediaFetcher
from cdht.bot.zalo.polling import poll_updates
from cdht.bot.zalo.transport import ZaloTransport
from cdht.bot.zalo.webhook import add_webhook_route, check_secret
from cdht.config import Settings
from cdht.conversations.inbound import Inbound
from cdht.handlers.context import Sender
from cdht.handlers.ports import FileStore, UnitOfWorkFactory

__all__ = ["CHANNEL", "ConfigurationError", "ZaloChannel", "file_links"]

log = structlog.get_logger(__name__)

WEBHOOK_PATH = "/zalo/webhook"


class ConfigurationError(ValueError):
    pass


def file_links(settings: Settings) -> FileLinks | None:
    """Signed links under `CDHT_PUBLIC_URL` to the stored files; None without a public URL."""
    if not settings.public_url:
        return None
    if settings.file_url_secret is not None:
        secret = settings.file_url_secret.get_secret_value().encode()
    elif settings.zalo_token is not None:
        secret = derive_secret(settings.zalo_token.get_secret_value())
    else:
        raise ConfigurationError("Cần CDHT_FILE_URL_SECRET (ít nhất 16 ký tự) để ký liên kết tải tệp.")
    if len(secret) < 16:
        raise ConfigurationError("CDHT_FILE_URL_SECRET cần ít nhất 16 ký tự.")
    return FileLinks(settings.public_url, secret, ttl_seconds=settings.file_url_ttl_hours * 3600)


def webhook_url(settings: Settings) -> str | None:
    if settings.zalo_webhook_url:
        return settings.zalo_webhook_url
    return settings.public_url.rstrip("/") + WEBHOOK_PATH if settings.public_url else None


def _route_path(url: str, public_url: str | None) -> str:
    """The webhook's path on our server: relative to the public URL (a proxy may serve us under a prefix)."""
    if public_url and url.startswith(public_url.rstrip("/") + "/"):
        return url[len(public_url.rstrip("/")) :]
    return urlsplit(url).path or "/"


class ZaloChannel:
    name = CHANNEL

    def __init__(
        self,
        settings: Settings,
        uow_factory: UnitOfWorkFactory,
        clock: Callable[[], datetime],
        *,
        webhook: bool = False,
        poll_timeout: int = 8,
        retry_seconds: float = 5.0,
        files: FileStore | None = None,
    ) -> None:
        """`webhook`: receive by webhook instead of long polling. The long poll is short (`poll_timeout`
        seconds): a stop waits for the poll in flight, since Zalo cannot hand an update out twice.
        `retry_seconds`: the first pause after a failed poll, and before a send Zalo refused is retried."""
        if settings.zalo_token is None:
            raise ConfigurationError("Chưa đặt CDHT_ZALO_TOKEN (mã bot lấy từ Zalo Bot Manager).")
        self.settings = settings
        self.webhook = webhook
        self.poll_timeout = poll_timeout
        self.retry_seconds = retry_seconds
        self.client = ZaloBotClient(settings.zalo_token.get_secret_value(), settings.zalo_api_base)
        self.links = file_links(settings)
        self.files = files if files is not None else file_store(settings)
        self.transport = ZaloTransport(
            self.client,
            uow_factory,
            self.links,
            clock,
            self.files,
            timezone=settings.timezone,
            retry_after_seconds=retry_seconds,
            app_links=open_links(settings),
        )
        self.fetcher = ZaloMediaFetcher(self.client)
        self.typing = PhotoTyping(self.client)
        self.intake = update_intake(uow_factory, clock, self.typing)

    def decode(self, payload: dict[str, Any]) -> tuple[Sender, Inbound] | None:
        return decode(payload)

    async def start(self) -> None:
        """Check the token (getMe) and the settings the chosen mode needs."""
        me = await self.client.get_me()
        log.info("zalo bot ready", bot=me.account_name, api=self.client.base_url)
        if self.links is None:
            log.warning("CDHT_PUBLIC_URL is not set: charts and exports cannot be sent on Zalo")

    def add_routes(self, app: web.Application) -> None:
        """Zalo's routes on the bot's HTTP server (`cdht.bot.web.server`): the webhook in webhook mode, and the
        signed file links Zalo fetches photos and exports from."""
        if self.webhook:
            url, secret = self._webhook_settings()
            add_webhook_route(
                app, self.intake, secret=secret, path=_route_path(url, self.settings.public_url)
            )
        if self.links is not None:
            add_file_routes(app, self.links, self.files)

    async def receive(self, stop: asyncio.Event) -> None:
        """The HTTP server is listening already (it starts before the channels do)."""
        if self.webhook:
            # Set only once we listen; it stays set when we stop, so Zalo keeps trying to deliver.
            await self.client.set_webhook(*self._webhook_settings())
            await stop.wait()
        else:
            await poll_updates(
                self.client,
                self.intake,
                stop,
                poll_seconds=self.poll_timeout,
                retry_seconds=self.retry_seconds,
            )

    def _webhook_settings(self) -> tuple[str, str]:
        """(URL, secret) of the webhook, for its route and for setWebhook."""
        url, secret = webhook_url(self.settings), self.settings.zalo_webhook_secret
        if not url or secret is None:
            raise ConfigurationError(
                "Chế độ webhook cần CDHT_ZALO_WEBHOOK_SECRET và CDHT_PUBLIC_URL (hoặc CDHT_ZALO_WEBHOOK_URL)."
            )
        try:
            check_secret(secret.get_secret_value())
        except ValueError as error:
            raise ConfigurationError(str(error)) from error
        return url, secret.get_secret_value()

    async def close(self) -> None:
        await self.typing.close()
        await self.client.aclose()
