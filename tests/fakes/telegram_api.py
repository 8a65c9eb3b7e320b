"""A fake Telegram Bot API over real HTTP on 127.0.0.1 (random port), for aiogram's
`TelegramAPIServer.from_base`. It records every call, keeps the messages the bot sent (and their edits),
long-polls getUpdates from a queue, pushes updates to a registered webhook, serves files, and answers
429 / 500 / 403 on demand. A person can block the bot: Telegram's `my_chat_member` update is made, and every
send to their chat is refused with 403 until they unblock it. Only what our bot uses is implemented."""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from tests.fakes import http_server
from tests.fakes.clock import SYSTEM_CLOCK, Clock
from tests.fakes.http_server import Failure, FakeBotAPI, error

TOKEN = "123456:TEST-fake-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Trợ lý CĐHT", "username": "cdht_test_bot"}
DOWNLOAD_LIMIT = 20 * 1024 * 1024
TO_A_CHAT = ("sendMessage", "sendPhoto", "sendDocument", "sendChatAction", "editMessageText")
WITH_KEYBOARD = ("sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup")


@dataclass
class Call(http_server.Call):
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    size: int


class FakeTelegramAPI(FakeBotAPI[Call]):
    name = "Telegram"
    client_max_size = 64 * 1024 * 1024
    cancel_on_hangup = True
    text_methods = ("sendMessage", "editMessageText", "sendPhoto", "sendDocument")
    unknown_method = (404, "Not Found: method not found")

    def __init__(self, token: str = TOKEN, *, clock: Clock = SYSTEM_CLOCK) -> None:
        super().__init__(token, clock=clock)
        self.messages: dict[tuple[str, int], dict[str, Any]] = {}  # what each chat shows, edits applied
        self.files: dict[str, StoredFile] = {}
        self._update_ids = itertools.count(5000)
        self._message_ids = itertools.count(1)
        self.blocked: set[str] = set()  # chats whose person blocked the bot
        self.menu_buttons: dict[
            str | None, dict[str, Any]
        ] = {}  # chat (None: the default) -> its menu button

    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)

    # ---- what tests do ---------------------------------------------------------------------------
    def queued(self, update: dict[str, Any]) -> dict[str, Any]:
        """An update_id is assigned unless given; the update stays queued until an offset confirms it."""
        return {"update_id": next(self._update_ids), **update}

    async def post_to_webhook(self, update: dict[str, Any], *, secret: str | None = "") -> int:
        """Deliver like Telegram does: POST to the registered URL with its secret header (or another one)."""
        return await self.deliver_to_webhook(update, header="X-Telegram-Bot-Api-Secret-Token", secret=secret)

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
        self.add_failures(method, failure, times)

    def blocks_bot(self, user: dict[str, Any]) -> dict[str, Any]:
        """The person blocks the bot in their private chat: from now on sends to it answer 403, and this is
        the update Telegram sends about it (queue it with `push` or deliver it with `post_to_webhook`)."""
        self.blocked.add(str(user["id"]))
        return self._bot_status_changed(user, "member", {"status": "kicked", "until_date": 0})

    def unblocks_bot(self, user: dict[str, Any]) -> dict[str, Any]:
        """The person unblocks the bot (or restarts it): sends reach them again; the update Telegram sends."""
        self.blocked.discard(str(user["id"]))
        return self._bot_status_changed(user, "kicked", {"status": "member"})

    def add_file(self, content: bytes, *, size: int | None = None) -> StoredFile:
        stored = StoredFile(
            f"file-{secrets.token_hex(8)}", f"uniq-{secrets.token_hex(4)}", content, size or len(content)
        )
        self.files[stored.file_id] = stored
        return stored

    def chat_messages(self, chat_id: int | str) -> list[dict[str, Any]]:
        return [
            m for (chat, _), m in sorted(self.messages.items(), key=lambda i: i[0][1]) if chat == str(chat_id)
        ]

    # ---- the HTTP side -------------------------------------------------------------------------
    async def read_call(self, request: web.Request) -> Call:
        params, files = await _read_params(request)
        return Call(request.match_info["method"], params, files=files)

    async def invoke(self, handler: Callable[..., Any], call: Call) -> Any:
        return await handler(call.params, call.files)

    def refusal(self, call: Call) -> web.Response | None:
        refused = super().refusal(call)
        if refused is None and call.method in TO_A_CHAT and call.chat_id in self.blocked:
            return error(403, "Forbidden: bot was blocked by the user")
        if refused is None and call.method in WITH_KEYBOARD:
            return _web_app_refusal(call.params)
        return refused

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        stored = next((f for f in self.files.values() if f"documents/{f.file_id}" == path), None)
        if stored is None:
            return web.Response(status=404)
        self.record(Call("download", {"file_path": path}))
        return web.Response(body=stored.content)

    # ---- methods ---------------------------------------------------------------------------------
    async def _m_getMe(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return BOT_USER

    async def _m_getUpdates(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if self.webhook is not None:
            return error(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        async with self._pushed:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
            if not self._queue and timeout > 0:
                await self.wait_for_update(timeout)
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
            return error(400, "Bad Request: message to edit not found")
        changed = {"text": params["text"], "reply_markup": params.get("reply_markup")}
        if all(message.get(k) == v for k, v in changed.items()):
            return error(400, "Bad Request: message is not modified")
        message.update(changed)
        return _shown(message)

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        message = self._message(params)
        if message is None:
            return error(400, "Bad Request: message to edit not found")
        message["reply_markup"] = params.get("reply_markup")
        return _shown(message)

    async def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return True

    async def _m_sendChatAction(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return True

    async def _m_setMyCommands(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return True

    async def _m_setChatMenuButton(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        """No chat_id: the default button; no menu_button: MenuButtonDefault (the Bot API's defaults)."""
        button = params.get("menu_button") or {"type": "default"}
        if button.get("type") == "web_app":
            url = str((button.get("web_app") or {}).get("url", ""))
            if not _is_https(url):
                return error(400, f"Bad Request: menu button Web App URL '{url}' is invalid: {NOT_HTTPS}")
        chat = params.get("chat_id")
        self.menu_buttons[None if chat is None else str(chat)] = button
        return True

    async def _m_getFile(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            return error(400, "Bad Request: invalid file_id")
        if stored.size > DOWNLOAD_LIMIT:
            return error(400, "Bad Request: file is too big")
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
            "date": int(self.clock.timestamp()),
            "chat": {"id": int(chat_id), "type": "private" if not chat_id.startswith("-") else "group"},
            "from": BOT_USER,
            **{k: v for k, v in content.items() if v is not None},
            "reply_markup": params.get("reply_markup"),
        }
        self.messages[(chat_id, message["message_id"])] = message
        return _shown(message)

    def _bot_status_changed(self, user: dict[str, Any], old: str, new: dict[str, Any]) -> dict[str, Any]:
        """A `my_chat_member` update (ChatMemberUpdated) of the bot in the person's private chat."""
        chat = {"id": user["id"], "type": "private", "first_name": user.get("first_name", "")}
        change = {
            "chat": chat,
            "from": user,
            "date": int(self.clock.timestamp()),
            "old_chat_member": {"status": old, "user": BOT_USER}
            | ({"until_date": 0} if old == "kicked" else {}),
            "new_chat_member": {"user": BOT_USER, **new},
        }
        return {"my_chat_member": change}

    def _message(self, params: dict[str, Any]) -> dict[str, Any] | None:
        return self.messages.get((str(params.get("chat_id")), int(params.get("message_id") or 0)))


# WebAppInfo.url is documented as "An HTTPS URL of a Web App"; the documentation names no error for another
# URL. These are the descriptions Telegram answers (observed, and TDLib's check_link, which the Bot API server
# runs): the URL as sent, quoted. web_app buttons are "available only in private chats between a user and
# the bot"; elsewhere Telegram answers BUTTON_TYPE_INVALID (observed; the documentation is silent on it too).
NOT_HTTPS = "Only HTTPS links are allowed"


def _is_https(url: str) -> bool:
    return urlsplit(url).scheme.lower() == "https"


def _web_app_urls(params: dict[str, Any]) -> Iterator[str]:
    markup = params.get("reply_markup")
    if not isinstance(markup, dict):
        return
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            if isinstance(button, dict) and "web_app" in button:
                yield str((button["web_app"] or {}).get("url", ""))


def _web_app_refusal(params: dict[str, Any]) -> web.Response | None:
    for url in _web_app_urls(params):
        if str(params.get("chat_id", "")).startswith("-"):
            return error(400, "Bad Request: BUTTON_TYPE_INVALID")
        if not _is_https(url):
            return error(
                400, f"Bad Request: inline keyboard button Web App URL '{url}' is invalid: {NOT_HTTPS}"
            )
    return None


def _shown(message: dict[str, Any]) -> dict[str, Any]:
    """A message as the API returns it: only an inline keyboard is echoed back."""
    markup = message.get("reply_markup")
    shown = {k: v for k, v in message.items() if k != "reply_markup"}
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        shown["reply_markup"] = markup
    return shown


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """aiogram posts form fields (JSON-encoded when structured) and multipart files (`attach://key`); an
    uploaded file's name is kept as the parameter `<key>_file_name`."""
    if request.content_type == "application/json":
        return await request.json(), {}
    form = await request.post()
    params: dict[str, Any] = {}
    uploads: dict[str, bytes] = {}
    names: dict[str, str] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            uploads[key] = value.file.read()
            names[key] = value.filename
        else:
            params[key] = _decode(str(value))
    files = {}
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            files[key] = uploads.get(value.removeprefix("attach://"), b"")
            params[key] = value
            params[f"{key}_file_name"] = names.get(value.removeprefix("attach://"))
    return params, files


def _decode(value: str) -> Any:
    if value[:1] in ("{", "[") or value in ("true", "false"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
