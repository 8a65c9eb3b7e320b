"""The channels `cdht run` serves: Telegram when its token is set, Zalo when its token is set; each receives by
webhook when its webhook is configured, otherwise by long polling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from cdht.bot.composition import App
from cdht.pipeline.channel import Channel
from cdht.pipeline.runner import utc_now


def configured_channels(app: App, clock: Callable[[], datetime] = utc_now) -> list[Channel]:
    settings = app.settings
    channels: list[Channel] = []
    if settings.telegram_token is not None:
        from cdht.bot.telegram.channel import TelegramChannel  # aiogram: seconds, only when Telegram is on

        webhook = settings.telegram_webhook_url is not None
        channels.append(TelegramChannel(settings, app.uow, clock, webhook=webhook, files=app.files))
    if settings.zalo_token is not None:
        from cdht.bot.zalo.channel import ZaloChannel

        webhook = settings.zalo_webhook_secret is not None
        channels.append(ZaloChannel(settings, app.uow, clock, webhook=webhook, files=app.files))
    return channels
