"""Webhook mode: an aiohttp route that checks Zalo's secret header in constant time, stores the update in the
inbox, and answers 200 only after the commit. Otherwise: 401 without the right secret (nothing is read or
stored), 400 for a body that is not an update, 500 when storing failed (so that Zalo may deliver it again)."""

from __future__ import annotations

import hmac
import json
from typing import Any

import structlog
from aiohttp import web

from cdht.pipeline.intake import Intake

log = structlog.get_logger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
SECRET_LENGTH = (8, 256)  # what setWebhook accepts


def check_secret(secret: str) -> None:
    low, high = SECRET_LENGTH
    if not low <= len(secret) <= high:
        raise ValueError(
            f"CDHT_ZALO_WEBHOOK_SECRET: cần {low}–{high} ký tự (Zalo yêu cầu), hiện có {len(secret)}."
        )


def add_webhook_route(app: web.Application, intake: Intake, *, secret: str, path: str) -> None:
    check_secret(secret)
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("zalo webhook call refused: wrong or missing secret", remote=request.remote)
            return web.Response(status=401)
        try:
            update = _update(json.loads(await request.read()))
        except ValueError:
            return web.Response(status=400)
        await intake.store([update])
        return web.json_response({"ok": True})

    app.router.add_post(path, receive)


def _update(body: Any) -> dict[str, Any]:
    """The update itself. Zalo's docs (Webhook) say the body is `{"ok": true, "result": {event_name, message}}`;
    a bare `{event_name, message}` is accepted too, as earlier versions of this bot and other clients read it."""
    if isinstance(body, dict) and body.get("ok") is True and isinstance(body.get("result"), dict):
        body = body["result"]
    if not isinstance(body, dict) or not isinstance(body.get("event_name"), str):
        raise ValueError("not a Zalo update")
    return body
