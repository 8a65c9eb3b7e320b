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

import asyncio
import contextlib
import itertools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

TOKEN = "2233445566:zalo-test-secret"
BOT = {"id": "2233445566", "account_name": "Trợ lý CĐHT", "account_type": "BASIC", "can_join_groups": False}
TEXT_LIMIT = 2000
NO_RESULT = object()  # a method whose documented answer has no `result`
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
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    status: int = 200
    fetched: bytes | None = None  # sendPhoto: what Zalo got from the photo URL
    fetched_type: str | None = None

    @property
    def chat_id(self) -> str | None:
        value = self.params.get("chat_id")
        return None if value is None else str(value)


@dataclass
class Failure:
    status: int
    description: str
    chat_id: str | None = None


class FakeZaloAPI:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] | None = None
        self.photos: dict[str, bytes] = {}
        self._queue: list[dict[str, Any]] = []
        self._message_ids = itertools.count(1)
        self._pushed = asyncio.Condition()
        self._failures: dict[str, list[Failure]] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # ---- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/media/{name}", self._media)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def end_polls(self) -> None:
        """Let every waiting long poll end now, as if its timeout had passed (408): a quick stop in tests."""
        async with self._pushed:
            self._pushed.notify_all()

    async def close(self) -> None:
        await self.end_polls()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- what tests do ---------------------------------------------------------------------------
    async def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates."""
        async with self._pushed:
            self._queue.append(update)
            self._pushed.notify_all()
        return update

    async def post_to_webhook(
        self, update: dict[str, Any], *, secret: str | None = "", envelope: bool = True
    ) -> int:
        """Deliver like Zalo: POST `{"ok": true, "result": update}` to the registered URL with its secret
        header (or another one, or none). `envelope=False` posts the bare update, which the docs do not show.
        Whether Zalo delivers again after an answer other than 200 is not documented; the fake does not."""
        assert self.webhook is not None, "no webhook registered"
        token = self.webhook.get("secret_token") if secret == "" else secret
        headers = {"X-Bot-Api-Secret-Token": token} if token is not None else {}
        body = {"ok": True, "result": update} if envelope else update
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook["url"], json=body, headers=headers) as response,
        ):
            return response.status

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
        self._failures.setdefault(method, []).extend([Failure(status, text, chat_id)] * times)

    def add_photo(self, content: bytes) -> str:
        """A photo on 'Zalo's CDN': its URL, as an image message carries it."""
        name = f"{secrets.token_hex(8)}.jpg"
        self.photos[name] = content
        return f"{self.base_url}/media/{name}"

    def expire_photo(self, url: str) -> None:
        self.photos.pop(url.rsplit("/", 1)[-1], None)

    def calls_to(self, method: str, chat_id: str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or c.chat_id == chat_id) and c.status == 200
        ]

    def texts(self, chat_id: str) -> list[str]:
        """Every text the bot sent this chat, in order (photo captions included)."""
        return [
            str(c.params.get("text") or c.params.get("caption") or "")
            for c in self.calls
            if c.method in ("sendMessage", "sendPhoto") and c.chat_id == chat_id and c.status == 200
        ]

    @property
    def pending_updates(self) -> int:
        return len(self._queue)

    async def wait_until(self, condition: Callable[[], bool], *, seconds: float = 5.0) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("the fake Zalo API did not see what was expected in time")
            await asyncio.sleep(0.01)

    # ---- the HTTP side -------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, DESCRIPTIONS[401])
        method = request.match_info["method"]
        try:
            params = await request.json() if request.can_read_body else {}
        except ValueError:
            return _error(400, "Bad request: body is not JSON")
        call = Call(method, params if isinstance(params, dict) else {})
        self.calls.append(call)
        failure = self._take_failure(method, call.chat_id)
        if failure is not None:
            call.status = failure.status
            return _error(failure.status, failure.description)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:  # the error table: 400 "wrong path or API name not valid"
            call.status = 400
            return _error(400, "Bad request: unknown API name")
        result = await handler(call)
        if isinstance(result, web.Response):
            call.status = result.status
            return result
        return web.json_response({"ok": True} if result is NO_RESULT else {"ok": True, "result": result})

    def _take_failure(self, method: str, chat_id: str | None) -> Failure | None:
        pending = self._failures.get(method, [])
        for index, failure in enumerate(pending):
            if failure.chat_id is None or failure.chat_id == chat_id:
                return pending.pop(index)
        return None

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
            return _error(409, "Conflict: webhook is set")
        timeout = float(call.params.get("timeout") or 30)
        async with self._pushed:
            if not self._queue:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._pushed.wait(), timeout)
            if not self._queue:
                return _error(408, DESCRIPTIONS[408])
            return self._queue.pop(0)  # one update per call; handed out means delivered

    async def _m_setWebhook(self, call: Call) -> Any:
        secret = str(call.params.get("secret_token") or "")
        if not 8 <= len(secret) <= 256 or not str(call.params.get("url") or "").startswith("http"):
            # Bounds documented; the code of the refusal is not (400 fits the error table).
            return _error(400, "Bad request: invalid url or secret_token")
        self.webhook = dict(call.params)
        return {"url": self.webhook["url"], "updated_at": int(time.time() * 1000)}

    async def _m_deleteWebhook(self, call: Call) -> Any:
        self.webhook = None
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def _m_getWebhookInfo(self, call: Call) -> Any:
        return {"url": (self.webhook or {}).get("url", ""), "updated_at": int(time.time() * 1000)}

    async def _m_sendMessage(self, call: Call) -> Any:
        text = call.params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= TEXT_LIMIT or not call.chat_id:
            # 1–2000 characters is documented; the code of the refusal is not (400 fits the error table).
            return _error(400, "Bad request: text must have 1-2000 characters")
        return self._sent()

    async def _m_sendPhoto(self, call: Call) -> Any:
        url = call.params.get("photo")
        caption = call.params.get("caption")
        if not isinstance(url, str) or not call.chat_id or (caption and len(caption) > TEXT_LIMIT):
            return _error(400, "Bad request: photo url required")
        # `photo` is documented as the image's URL, so Zalo fetches it; what it answers when it cannot is not
        # documented (the fake: 400).
        try:
            async with aiohttp.ClientSession() as session, session.get(url) as response:
                if response.status != 200:
                    return _error(400, f"Bad request: cannot fetch photo (HTTP {response.status})")
                call.fetched = await response.read()
                call.fetched_type = response.headers.get("Content-Type")
        except aiohttp.ClientError:
            return _error(400, "Bad request: cannot fetch photo")
        return self._sent()

    async def _m_sendSticker(self, call: Call) -> Any:
        return self._sent()

    async def _m_sendChatAction(self, call: Call) -> Any:
        return NO_RESULT  # documented answer: `{"ok": true}`

    def _sent(self) -> dict[str, Any]:
        return {"message_id": f"bot-msg-{next(self._message_ids)}", "date": int(time.time() * 1000)}


def _error(status: int, description: str) -> web.Response:
    # The body is documented; that the HTTP status equals error_code is not (our client reads either).
    return web.json_response({"ok": False, "error_code": status, "description": description}, status=status)


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
                "date": int(time.time() * 1000),
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
