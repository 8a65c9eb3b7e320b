"""Webhook mode: an aiohttp endpoint that checks Telegram's secret header in constant time, stores the update
in the inbox, and answers 200 only after the commit. Anything else: 401 without the right secret (nothing
stored), 400 for a body that is not an update (`is_update`), 500 when storing failed (Telegram then delivers it
again)."""

from __future__ import annotations

import hmac
import json
import re

import structlog
from aiohttp import web

from cdht.pipeline.intake import Intake

log = structlog.get_logger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts as secret_token
MAX_DEPTH = 64  # Telegram's updates nest a dozen levels; deeper bodies are not updates (and strain storage)


def is_update(payload: object) -> bool:
    """A JSON object with an update id Telegram could have given (a non-negative 64-bit integer), nested no
    deeper than MAX_DEPTH. Anything else is refused with 400 and never stored."""
    if not isinstance(payload, dict):
        return False
    update_id = payload.get("update_id")
    if type(update_id) is not int or not 0 <= update_id < 2**63:
        return False
    pending: list[tuple[object, int]] = [(payload, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            return False
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        pending.extend((child, depth + 1) for child in children)
    return True


def webhook_app(intake: Intake, *, secret: str, path: str) -> web.Application:
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
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep for the parser
            return web.Response(status=400)
        if not is_update(payload):
            return web.Response(status=400)
        await intake.store([payload])
        return web.Response(status=200)

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(path, receive)
    return app
