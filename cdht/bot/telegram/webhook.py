"""Webhook mode: an aiohttp endpoint that checks Telegram's secret header in constant time, stores the update
in the inbox, and answers 200 only after the commit. Anything else: 401 without the right secret (nothing
stored), 400 for a body that is not an update, 500 when storing failed (Telegram then delivers it again)."""

from __future__ import annotations

import hmac
import json
import re

import structlog
from aiohttp import web

from cdht.bot.telegram.intake import UpdateIntake

log = structlog.get_logger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts as secret_token


def webhook_app(intake: UpdateIntake, *, secret: str, path: str) -> web.Application:
    if not SECRET_FORMAT.match(secret):
        raise ValueError("CDHT_TELEGRAM_WEBHOOK_SECRET: 1–256 ký tự, chỉ gồm A-Z, a-z, 0-9, _ và -")
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook call refused: wrong or missing secret", remote=request.remote)
            return web.Response(status=401)
        try:
            payload = json.loads(await request.read())
            if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
                raise ValueError("no update_id")
        except ValueError:
            return web.Response(status=400)
        await intake.store([payload])
        return web.Response(status=200)

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(path, receive)
    return app
