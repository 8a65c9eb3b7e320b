"""A fake Zalo Bot API over real HTTP on 127.0.0.1 (random port), at the base URL our client is given.

It records every call, hands out one queued update per getUpdates (408 after the long poll when none came),
pushes updates to a registered webhook with the `X-Bot-Api-Secret-Token` header, serves the photos people
"send" (their URLs can be made to expire), fetches the URL of every sendPhoto as Zalo does (a photo that
cannot be fetched is refused), and answers errors on demand. Only what our bot uses is implemented.

It follows Zalo's Bot API documentation (https://bot.zaloplatforms.com/docs/, in Vietnamese):
- every answer is `{"ok": true, "result": ...}`, or `{"ok": false, "error_code": N, "description": ...}`;
- getUpdates hands out one update as its result, "like the webhook's sample data";
- a webhook POST carries `{"ok": true, "result": {"event_name": ..., "message": {...}}}`;
- an image message carries `photo`, the image's URL as a string, and `caption`; a sticker `sticker` and `url`;
- its error table: 400 bad request, 401 unauthorized (token), 403 "Internal server error", 404 not found,
  408 request timeout, 429 quota exceeded. A 403 does not mean that a person blocked the bot.
Where the documentation is silent, the fake's choice is marked "not documented" below.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes import http_server
from tests.fakes.clock import SYSTEM_CLOCK, Clock
from tests.fakes.http_server import NO_RESULT, Failure, FakeBotAPI, error

TOKEN = "2233445566:zalo-test-secret"
BOT = {"id": "2233445566", "account_name": "Trợ lý CĐHT", "account_type": "BASIC", "can_join_groups": False}
TEXT_LIMIT = 2000
# The names in Zalo's error table. 409 and 500 are not in it: the fake answers 409 where the docs name no code
# (getUpdates while a webhook is set), and 500 only on demand, as a proxy in front of Zalo might.
DESCRIPTIONS = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Internal server error",
    404: "Not found",
    408: "Request timeout",
    409: "Conflict",
    429: "Quota exceeded",
    500: "Internal Server Error",
}


@dataclass
class Call(http_server.Call):
    fetched: bytes | None = None  # sendPhoto: what Zalo got from the photo URL
    fetched_type: str | None = None


class FakeZaloAPI(FakeBotAPI[Call]):
    name = "Zalo"
    text_methods = ("sendMessage", "sendPhoto")
    unauthorized = DESCRIPTIONS[401]
    unknown_method = (
        400,
        "Bad request: unknown API name",
    )  # the error table: "wrong path or API name not valid"
    # Errors: the body is documented; that the HTTP status equals error_code is not (our client reads either).

    def __init__(self, token: str = TOKEN, *, clock: Clock = SYSTEM_CLOCK) -> None:
        super().__init__(token, clock=clock)
        self.photos: dict[str, bytes] = {}
        self._message_ids = itertools.count(1)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/media/{name}", self._media)

    # ---- what tests do ---------------------------------------------------------------------------
    async def post_to_webhook(
        self, update: dict[str, Any], *, secret: str | None = "", envelope: bool = True
    ) -> int:
        """Deliver like Zalo: POST `{"ok": true, "result": update}` to the registered URL with its secret
        header (or another one, or none). `envelope=False` posts the bare update, which the docs do not show.
        Whether Zalo delivers again after an answer other than 200 is not documented; the fake does not."""
        body = {"ok": True, "result": update} if envelope else update
        return await self.deliver_to_webhook(body, header="X-Bot-Api-Secret-Token", secret=secret)

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        chat_id: str | None = None,
        description: str | None = None,
    ) -> None:
        text = description or DESCRIPTIONS.get(status, "Bad request")
        self.add_failures(method, Failure(status, text, chat_id=chat_id), times)

    def add_photo(self, content: bytes) -> str:
        """A photo on 'Zalo's CDN': its URL, as an image message carries it."""
        name = f"{secrets.token_hex(8)}.jpg"
        self.photos[name] = content
        return f"{self.base_url}/media/{name}"

    def expire_photo(self, url: str) -> None:
        self.photos.pop(url.rsplit("/", 1)[-1], None)

    # ---- the HTTP side -------------------------------------------------------------------------
    async def read_call(self, request: web.Request) -> Call | web.Response:
        try:
            params = await request.json() if request.can_read_body else {}
        except ValueError:
            return error(400, "Bad request: body is not JSON")
        return Call(request.match_info["method"], params if isinstance(params, dict) else {})

    async def invoke(self, handler: Callable[..., Any], call: Call) -> Any:
        return await handler(call)

    async def _media(self, request: web.Request) -> web.Response:
        content = self.photos.get(request.match_info["name"])
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content, content_type="image/jpeg")

    # ---- methods ---------------------------------------------------------------------------------
    async def _m_getMe(self, call: Call) -> Any:
        return BOT

    async def _m_getUpdates(self, call: Call) -> Any:
        if (
            self.webhook is not None
        ):  # the docs say getUpdates "does not work" then; the answer is not documented
            return error(409, "Conflict: webhook is set")
        timeout = float(call.params.get("timeout") or 30)
        async with self._pushed:
            if not self._queue:
                await self.wait_for_update(timeout)
            if not self._queue:
                return error(408, DESCRIPTIONS[408])
            return self._queue.pop(0)  # one update per call; handed out means delivered

    async def _m_setWebhook(self, call: Call) -> Any:
        secret = str(call.params.get("secret_token") or "")
        if not 8 <= len(secret) <= 256 or not str(call.params.get("url") or "").startswith("http"):
            # Bounds documented; the code of the refusal is not (400 fits the error table).
            return error(400, "Bad request: invalid url or secret_token")
        self.webhook = dict(call.params)
        return {"url": self.webhook["url"], "updated_at": int(self.clock.timestamp() * 1000)}

    async def _m_deleteWebhook(self, call: Call) -> Any:
        self.webhook = None
        return {"url": "", "updated_at": int(self.clock.timestamp() * 1000)}

    async def _m_getWebhookInfo(self, call: Call) -> Any:
        return {"url": (self.webhook or {}).get("url", ""), "updated_at": int(self.clock.timestamp() * 1000)}

    async def _m_sendMessage(self, call: Call) -> Any:
        text = call.params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= TEXT_LIMIT or not call.chat_id:
            # 1–2000 characters is documented; the code of the refusal is not (400 fits the error table).
            return error(400, "Bad request: text must have 1-2000 characters")
        return self._sent()

    async def _m_sendPhoto(self, call: Call) -> Any:
        url = call.params.get("photo")
        caption = call.params.get("caption")
        if not isinstance(url, str) or not call.chat_id or (caption and len(caption) > TEXT_LIMIT):
            return error(400, "Bad request: photo url required")
        # `photo` is documented as the image's URL, so Zalo fetches it; what it answers when it cannot is not
        # documented (the fake: 400).
        try:
            async with aiohttp.ClientSession() as session, session.get(url) as response:
                if response.status != 200:
                    return error(400, f"Bad request: cannot fetch photo (HTTP {response.status})")
                call.fetched = await response.read()
                call.fetched_type = response.headers.get("Content-Type")
        except aiohttp.ClientError:
            return error(400, "Bad request: cannot fetch photo")
        return self._sent()

    async def _m_sendSticker(self, call: Call) -> Any:
        return self._sent()

    async def _m_sendChatAction(self, call: Call) -> Any:
        return NO_RESULT  # documented answer: `{"ok": true}`

    def _sent(self) -> dict[str, Any]:
        return {
            "message_id": f"bot-msg-{next(self._message_ids)}",
            "date": int(self.clock.timestamp() * 1000),
        }


class ZaloUser:
    """A person using Zalo, for tests: builds the updates their messages produce."""

    def __init__(self, api: FakeZaloAPI, user_id: str, name: str, phone: str) -> None:
        self.api = api
        self.id = user_id
        self.name = name
        self.phone = phone

    def message(self, event_name: str, **content: Any) -> dict[str, Any]:
        return {
            "event_name": event_name,
            "message": {
                "message_id": secrets.token_hex(12),
                "from": {"id": self.id, "display_name": self.name, "is_bot": False},
                "chat": {"id": self.id, "chat_type": "PRIVATE"},
                "date": int(self.api.clock.timestamp() * 1000),
                **content,
            },
        }

    def text(self, text: str) -> dict[str, Any]:
        return self.message("message.text.received", text=text)

    def photo(self, content: bytes, *, caption: str | None = None) -> dict[str, Any]:
        """An image message as documented: `photo` is the image's URL (on 'Zalo's CDN', here the fake)."""
        url = self.api.add_photo(content)
        return self.message("message.image.received", photo=url, **({"caption": caption} if caption else {}))

    def sticker(self) -> dict[str, Any]:
        return self.message("message.sticker.received", sticker="abc123", url=f"{self.api.base_url}/s.png")

    def unsupported(self) -> dict[str, Any]:
        return self.message("message.unsupported.received")
