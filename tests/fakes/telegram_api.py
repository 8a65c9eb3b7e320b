"""A fake Telegram Bot API over real HTTP on 127.0.0.1 (random port), for aiogram's
`TelegramAPIServer.from_base`. It records every call, keeps the messages the bot sent (and their edits),
long-polls getUpdates from a queue, pushes updates to a registered webhook, serves files, and answers
429 / 500 / 403 on demand. A person can block the bot: Telegram's `my_chat_member` update is made, and every
send to their chat is refused with 403 until they unblock it. Only what our bot uses is implemented."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

TOKEN = "123456:TEST-fake-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Trợ lý CĐHT", "username": "cdht_test_bot"}
DOWNLOAD_LIMIT = 20 * 1024 * 1024
TO_A_CHAT = ("sendMessage", "sendPhoto", "sendDocument", "sendChatAction", "editMessageText")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)
    status: int = 200

    @property
    def chat_id(self) -> str | None:
        value = self.params.get("chat_id")
        return None if value is None else str(value)


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None
    chat_id: str | None = None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    size: int


class FakeTelegramAPI:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, int], dict[str, Any]] = {}  # what each chat shows, edits applied
        self.files: dict[str, StoredFile] = {}
        self.webhook: dict[str, Any] | None = None
        self._queue: list[dict[str, Any]] = []  # updates not confirmed by an offset yet
        self._update_ids = itertools.count(5000)
        self._message_ids = itertools.count(1)
        self._pushed = asyncio.Condition()
        self._failures: dict[str, list[Failure]] = {}
        self.blocked: set[str] = set()  # chats whose person blocked the bot
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # ---- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- what tests do ---------------------------------------------------------------------------
    async def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (an update_id is assigned unless given)."""
        update = {"update_id": next(self._update_ids), **update}
        async with self._pushed:
            self._queue.append(update)
            self._pushed.notify_all()
        return update

    async def post_to_webhook(self, update: dict[str, Any], *, secret: str | None = "") -> int:
        """Deliver like Telegram does: POST to the registered URL with its secret header (or another one)."""
        assert self.webhook is not None, "no webhook registered"
        headers = {}
        token = self.webhook.get("secret_token") if secret == "" else secret
        if token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook["url"], json=update, headers=headers) as response,
        ):
            return response.status

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        chat_id: str | int | None = None,
        description: str | None = None,
    ) -> None:
        text = description or {
            429: f"Too Many Requests: retry after {retry_after}",
            403: "Forbidden: bot was blocked by the user",
            500: "Internal Server Error",
            400: "Bad Request",
        }.get(status, "Error")
        failure = Failure(status, text, retry_after, None if chat_id is None else str(chat_id))
        self._failures.setdefault(method, []).extend([failure] * times)

    def blocks_bot(self, user: dict[str, Any]) -> dict[str, Any]:
        """The person blocks the bot in their private chat: from now on sends to it answer 403, and this is
        the update Telegram sends about it (queue it with `push` or deliver it with `post_to_webhook`)."""
        self.blocked.add(str(user["id"]))
        return _bot_status_changed(user, "member", {"status": "kicked", "until_date": 0})

    def unblocks_bot(self, user: dict[str, Any]) -> dict[str, Any]:
        """The person unblocks the bot (or restarts it): sends reach them again; the update Telegram sends."""
        self.blocked.discard(str(user["id"]))
        return _bot_status_changed(user, "kicked", {"status": "member"})

    def add_file(self, content: bytes, *, size: int | None = None) -> StoredFile:
        stored = StoredFile(
            f"file-{secrets.token_hex(8)}", f"uniq-{secrets.token_hex(4)}", content, size or len(content)
        )
        self.files[stored.file_id] = stored
        return stored

    def calls_to(self, method: str, chat_id: int | str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or c.chat_id == str(chat_id)) and c.status == 200
        ]

    def texts(self, chat_id: int | str) -> list[str]:
        """Every text the bot sent or edited into this chat, in order (captions included)."""
        sent = ("sendMessage", "editMessageText", "sendPhoto", "sendDocument")
        return [
            str(c.params.get("text") or c.params.get("caption") or "")
            for c in self.calls
            if c.method in sent and c.chat_id == str(chat_id) and c.status == 200
        ]

    def chat_messages(self, chat_id: int | str) -> list[dict[str, Any]]:
        return [
            m for (chat, _), m in sorted(self.messages.items(), key=lambda i: i[0][1]) if chat == str(chat_id)
        ]

    @property
    def pending_updates(self) -> int:
        return len(self._queue)

    async def wait_until(self, condition: Callable[[], bool], *, seconds: float = 5.0) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("the fake Telegram API did not see what was expected in time")
            await asyncio.sleep(0.01)

    # ---- the HTTP side -------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await _read_params(request)
        call = Call(method, params, files)
        self.calls.append(call)
        failure = self._take_failure(method, call.chat_id)
        if failure is not None:
            call.status = failure.status
            return _error(failure.status, failure.description, failure.retry_after)
        if method in TO_A_CHAT and call.chat_id in self.blocked:
            call.status = 403
            return _error(403, "Forbidden: bot was blocked by the user")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            call.status = 404
            return _error(404, "Not Found: method not found")
        result = await handler(params, files)
        if isinstance(result, web.Response):
            call.status = result.status
            return result
        return web.json_response({"ok": True, "result": result})

    def _take_failure(self, method: str, chat_id: str | None) -> Failure | None:
        pending = self._failures.get(method, [])
        for index, failure in enumerate(pending):
            if failure.chat_id is None or failure.chat_id == chat_id:
                return pending.pop(index)
        return None

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        stored = next((f for f in self.files.values() if f"documents/{f.file_id}" == path), None)
        if stored is None:
            return web.Response(status=404)
        self.calls.append(Call("download", {"file_path": path}))
        return web.Response(body=stored.content)

    # ---- methods ---------------------------------------------------------------------------------
    async def _m_getMe(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return BOT_USER

    async def _m_getUpdates(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if self.webhook is not None:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        async with self._pushed:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
            if not self._queue and timeout > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._pushed.wait(), timeout)
            return list(self._queue[: int(params.get("limit") or 100)])

    async def _m_setWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.webhook = params
        if params.get("drop_pending_updates") is True:
            self._queue.clear()
        return True

    async def _m_deleteWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.webhook = None
        if params.get("drop_pending_updates") is True:
            self._queue.clear()
        return True

    async def _m_sendMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return self._new_message(params, {"text": params["text"]})

    async def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        stored = self.add_file(files["photo"])
        photo = [
            {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "width": 1, "height": 1}
        ]
        return self._new_message(params, {"photo": photo, "caption": params.get("caption")})

    async def _m_sendDocument(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        stored = self.add_file(files["document"])
        document = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        return self._new_message(params, {"document": document, "caption": params.get("caption")})

    async def _m_editMessageText(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        message = self._message(params)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        changed = {"text": params["text"], "reply_markup": params.get("reply_markup")}
        if all(message.get(k) == v for k, v in changed.items()):
            return _error(400, "Bad Request: message is not modified")
        message.update(changed)
        return _shown(message)

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        message = self._message(params)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        message["reply_markup"] = params.get("reply_markup")
        return _shown(message)

    async def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return True

    async def _m_sendChatAction(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return True

    async def _m_setMyCommands(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return True

    async def _m_getFile(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            return _error(400, "Bad Request: invalid file_id")
        if stored.size > DOWNLOAD_LIMIT:
            return _error(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": f"documents/{stored.file_id}",
        }

    # ---- helpers -----------------------------------------------------------------------------------
    def _new_message(self, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        chat_id = str(params["chat_id"])
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": "private" if not chat_id.startswith("-") else "group"},
            "from": BOT_USER,
            **{k: v for k, v in content.items() if v is not None},
            "reply_markup": params.get("reply_markup"),
        }
        self.messages[(chat_id, message["message_id"])] = message
        return _shown(message)

    def _message(self, params: dict[str, Any]) -> dict[str, Any] | None:
        return self.messages.get((str(params.get("chat_id")), int(params.get("message_id") or 0)))


def _bot_status_changed(user: dict[str, Any], old: str, new: dict[str, Any]) -> dict[str, Any]:
    """A `my_chat_member` update (ChatMemberUpdated) of the bot in the person's private chat."""
    chat = {"id": user["id"], "type": "private", "first_name": user.get("first_name", "")}
    change = {
        "chat": chat,
        "from": user,
        "date": int(time.time()),
        "old_chat_member": {"status": old, "user": BOT_USER} | ({"until_date": 0} if old == "kicked" else {}),
        "new_chat_member": {"user": BOT_USER, **new},
    }
    return {"my_chat_member": change}


def _shown(message: dict[str, Any]) -> dict[str, Any]:
    """A message as the API returns it: only an inline keyboard is echoed back."""
    markup = message.get("reply_markup")
    shown = {k: v for k, v in message.items() if k != "reply_markup"}
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        shown["reply_markup"] = markup
    return shown


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """aiogram posts form fields (JSON-encoded when structured) and multipart files (`attach://key`)."""
    if request.content_type == "application/json":
        return await request.json(), {}
    form = await request.post()
    params: dict[str, Any] = {}
    uploads: dict[str, bytes] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            uploads[key] = value.file.read()
        else:
            params[key] = _decode(str(value))
    files = {}
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            files[key] = uploads.get(value.removeprefix("attach://"), b"")
            params[key] = value
    return params, files


def _decode(value: str) -> Any:
    if value[:1] in ("{", "[") or value in ("true", "false"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
