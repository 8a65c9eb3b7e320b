"""The two bots of the inbound benchmark, each run in its own process until SIGTERM:

    python -m benchmarks.inbound_bots ours CONFIG_JSON   # cdht's runner in webhook mode, as `cdht run`
    python -m benchmarks.inbound_bots echo CONFIG_JSON   # a bare aiogram echo bot

Both listen with aiohttp on the same kind of server (an AppRunner, no access log, 1 MB body limit), register
their webhook with the fake Bot API, and answer through it; CONFIG_JSON carries the settings."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web


async def run_ours(config: dict[str, Any]) -> None:
    from cdht.bot.composition import open_app
    from cdht.cli.running import run_channels
    from cdht.config import Settings

    settings = Settings(_env_file=None, **config)  # type: ignore[call-arg]
    async with open_app(settings) as application:
        await run_channels(application, receive=True)  # as `cdht run` does


async def run_echo(config: dict[str, Any]) -> None:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application

    session = AiohttpSession(api=TelegramAPIServer.from_base(config["telegram_api_base"]))
    bot = Bot(config["telegram_token"], session=session)
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    url, secret = config["telegram_webhook_url"], config["telegram_webhook_secret"]
    app = web.Application(client_max_size=1024 * 1024)
    SimpleRequestHandler(dispatcher, bot, secret_token=secret).register(app, path=urlsplit(url).path)
    setup_application(app, dispatcher, bot=bot)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        site = web.TCPSite(runner, config["telegram_webhook_host"], config["telegram_webhook_port"])
        await site.start()
        await bot.set_webhook(url, secret_token=secret)
        await stop.wait()
    finally:
        await runner.cleanup()
        await bot.session.close()


if __name__ == "__main__":
    kind, settings = sys.argv[1], json.loads(sys.argv[2])
    asyncio.run(run_ours(settings) if kind == "ours" else run_echo(settings))
