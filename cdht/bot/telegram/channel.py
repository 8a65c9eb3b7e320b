"""The Telegram channel (a `cdht.pipeline.channel.Channel`): the bot (pointed at `CDHT_TELEGRAM_API_BASE` when
set), the transport and media fetcher, and receiving by long polling or by webhook."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import structlog
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiohttp import web

from cdht.bot.composition import file_store, miniapp_url
from cdht.bot.telegram.acknowledge import Acknowledger
from cdht.bot.telegram.chat_menus import ChatMenus
from cdht.bot.telegram.decode import ALLOWED_UPDATES, CHANNEL, decode, user_key
from cdht.bot.telegram.media import TelegramMediaFetcher
from cdht.bot.telegram.polling import poll_updates
from cdht.bot.telegram.transport import TelegramTransport
from cdht.bot.telegram.webhook import webhook_app
from cdht.config import Settings
from cdht.conversations.inbound import Inbound
from cdht.handlers.context import Sender
from cdht.handlers.ports import FileStore, UnitOfWorkFactory
from cdht.pipeline.intake import Intake, RawUpdate

__all__ = ["CHANNEL", "TelegramChannel", "update_intake"]

log = structlog.get_logger(__name__)


class ConfigurationError(ValueError):
    pass


def make_bot(settings: Settings) -> tuple[Bot, AiohttpSession]:
    if settings.telegram_token is None:
        raise ConfigurationError("Chưa đặt CDHT_TELEGRAM_TOKEN (mã bot lấy từ @BotFather).")
    base = settings.telegram_api_base
    session = AiohttpSession(api=TelegramAPIServer.from_base(base.rstrip("/")) if base else PRODUCTION)
    return Bot(settings.telegram_token.get_secret_value(), session=session), session


def update_intake(
    uow_factory: UnitOfWorkFactory, clock: Callable[[], datetime], acknowledger: Acknowledger
) -> Intake:
    """Updates into the inbox keyed by their update id; once stored, taps are answered (`Acknowledger`)."""
    return Intake(CHANNEL, uow_factory, clock, read=_raw_update, after_commit=acknowledger.after_commit)


def _raw_update(payload: dict[str, Any]) -> RawUpdate:
    return RawUpdate(str(payload["update_id"]), user_key(payload), dict(payload))


def web_app_url(settings: Settings) -> str | None:
    """Where web_app buttons point: the Mini App's base, when it is HTTPS. Telegram refuses a message whose
    web_app button is not (400 «Only HTTPS links are allowed»), and the reply would be lost: with a plain HTTP
    public URL (a local trial) Telegram gets no Mini App buttons; Zalo and the console still get links."""
    base = miniapp_url(settings)
    if base is not None and not base.startswith("https://"):
        log.warning("CDHT_PUBLIC_URL is not HTTPS: Telegram gets no Mini App buttons", public_url=base)
        return None
    return base


class TelegramChannel:
    name = CHANNEL

    def __init__(
        self,
        settings: Settings,
        uow_factory: UnitOfWorkFactory,
        clock: Callable[[], datetime],
        *,
        webhook: bool = False,
        poll_timeout: int = 25,
        retry_seconds: float = 5.0,
        files: FileStore | None = None,
    ) -> None:
        """`webhook`: receive by webhook (`CDHT_TELEGRAM_WEBHOOK_URL`) instead of long polling, whose
        getUpdates waits up to `poll_timeout` seconds; `retry_seconds` after a failed poll."""
        self.settings = settings
        self.webhook = webhook
        self.poll_timeout = poll_timeout
        self.retry_seconds = retry_seconds
        self.bot, self.session = make_bot(settings)
        app_url = web_app_url(settings)
        self.menus = ChatMenus(self.bot, app_url=app_url)
        self.files = files if files is not None else file_store(settings)
        self.transport = TelegramTransport(self.bot, self.menus, self.files, app_url=app_url)
        self.fetcher = TelegramMediaFetcher(self.bot)
        self.acknowledger = Acknowledger(self.bot)
        self.intake = update_intake(uow_factory, clock, self.acknowledger)

    def decode(self, payload: dict[str, Any]) -> tuple[Sender, Inbound] | None:
        return decode(payload)

    async def start(self) -> None:
        """Check the token (getMe) and set the default menu."""
        me = await self.bot.get_me()
        log.info("telegram bot ready", username=me.username, api=self.bot.session.api.base)
        await self.menus.set_default()

    async def receive(self, stop: asyncio.Event) -> None:
        if self.webhook:
            await self._serve_webhook(stop)
        else:
            await poll_updates(
                self.bot,
                self.session,
                self.intake,
                stop,
                poll_seconds=self.poll_timeout,
                retry_seconds=self.retry_seconds,
            )

    async def _serve_webhook(self, stop: asyncio.Event) -> None:
        url, secret = self.settings.telegram_webhook_url, self.settings.telegram_webhook_secret
        if not url or secret is None:
            raise ConfigurationError(
                "Chế độ webhook cần CDHT_TELEGRAM_WEBHOOK_URL và CDHT_TELEGRAM_WEBHOOK_SECRET."
            )
        app = webhook_app(self.intake, secret=secret.get_secret_value(), path=urlsplit(url).path or "/")
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(
                runner, self.settings.telegram_webhook_host, self.settings.telegram_webhook_port
            )
            await site.start()
            # Set only once we listen; pending updates are kept (never drop_pending_updates by default).
            await self.bot.set_webhook(
                url,
                secret_token=secret.get_secret_value(),
                allowed_updates=list(ALLOWED_UPDATES),
                drop_pending_updates=False,
            )
            log.info("telegram webhook listening", path=urlsplit(url).path)
            await stop.wait()
        finally:
            # The webhook stays registered: while we are down Telegram keeps updates (24 h) and retries.
            await runner.cleanup()

    async def close(self) -> None:
        await self.acknowledger.close()
        await self.bot.session.close()
