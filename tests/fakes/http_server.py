"""What the fake Telegram and Zalo Bot APIs have in common: an aiohttp server on 127.0.0.1 (a random port) with
`start` / `close` / `base_url`, every call recorded, failures answered on demand, a queue of updates that
long polls wait on, and webhook deliveries.

Both platforms answer `{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description": ...}`
at `/bot<token>/<method>`. What differs (routes, error tables, how updates leave the queue, the handlers'
arguments) is in each fake."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

import aiohttp
from aiohttp import web

from tests.fakes.clock import SYSTEM_CLOCK, Clock

NO_RESULT = object()  # a method whose answer has no `result`


@dataclass
class Call:
    """One request the bot made: `status` is what the fake answered (200: it reached the platform)."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=SYSTEM_CLOCK.monotonic, kw_only=True)  # the fake's clock.monotonic()
    status: int = field(default=200, kw_only=True)

    @property
    def chat_id(self) -> str | None:
        value = self.params.get("chat_id")
        return None if value is None else str(value)


@dataclass
class Failure:
    """An error to answer instead of the method's result, to one chat or to any."""

    status: int
    description: str
    retry_after: int | None = None
    chat_id: str | None = None


CallT = TypeVar("CallT", bound=Call)


class FakeBotAPI(Generic[CallT]):
    name: ClassVar[str]  # as failures name the fake
    client_max_size: ClassVar[int] = 1024**2  # aiohttp's default
    # Cancel a handler when its client hangs up, so a request abandoned mid-way delivers nothing.
    cancel_on_hangup: ClassVar[bool] = False
    text_methods: ClassVar[tuple[str, ...]]  # the methods whose `text` or `caption` a chat shows
    unauthorized: ClassVar[str] = "Unauthorized"  # the description of a 401 (a wrong token)
    unknown_method: ClassVar[tuple[int, str]]  # the platform's answer to a method it does not have

    def __init__(self, token: str, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self.token = token
        self.clock = clock
        self.calls: list[CallT] = []
        self.webhook: dict[str, Any] | None = None
        self._queue: list[dict[str, Any]] = []  # updates not handed out for good yet
        self._pushed = asyncio.Condition()
        self._failures: dict[str, list[Failure]] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # ---- lifecycle -------------------------------------------------------------------------------
    def add_routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> str:
        app = web.Application(client_max_size=self.client_max_size)
        self.add_routes(app)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=self.cancel_on_hangup)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def end_polls(self) -> None:
        """Let every waiting long poll end now, as if its timeout had passed: a quick stop in tests."""
        async with self._pushed:
            self._pushed.notify_all()

    async def close(self) -> None:
        await self.end_polls()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- what tests do ---------------------------------------------------------------------------
    async def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates."""
        update = self.queued(update)
        async with self._pushed:
            self._queue.append(update)
            self._pushed.notify_all()
        return update

    def queued(self, update: dict[str, Any]) -> dict[str, Any]:
        """The update as the queue holds it (the platform may add to it)."""
        return update

    @property
    def pending_updates(self) -> int:
        return len(self._queue)

    def calls_to(self, method: str, chat_id: int | str | None = None) -> list[CallT]:
        """The calls of this method (to this chat) that were answered with success."""
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or c.chat_id == str(chat_id)) and c.status == 200
        ]

    def texts(self, chat_id: int | str) -> list[str]:
        """Every text the bot sent this chat, in order (captions included)."""
        return [
            str(c.params.get("text") or c.params.get("caption") or "")
            for c in self.calls
            if c.method in self.text_methods and c.chat_id == str(chat_id) and c.status == 200
        ]

    async def wait_until(self, condition: Callable[[], bool], *, seconds: float = 5.0) -> None:
        deadline = SYSTEM_CLOCK.monotonic() + seconds
        while not condition():
            if SYSTEM_CLOCK.monotonic() > deadline:
                raise AssertionError(f"the fake {self.name} API did not see what was expected in time")
            await asyncio.sleep(0.01)

    # ---- faults ----------------------------------------------------------------------------------
    def add_failures(self, method: str, failure: Failure, times: int) -> None:
        self._failures.setdefault(method, []).extend([failure] * times)

    def take_failure(self, method: str, chat_id: str | None) -> Failure | None:
        pending = self._failures.get(method, [])
        for index, failure in enumerate(pending):
            if failure.chat_id is None or failure.chat_id == chat_id:
                return pending.pop(index)
        return None

    # ---- the HTTP side ---------------------------------------------------------------------------
    async def read_call(self, request: web.Request) -> CallT | web.Response:
        """The call in this request, or the answer to a request that cannot be read."""
        raise NotImplementedError

    async def invoke(self, handler: Callable[..., Any], call: CallT) -> Any:
        raise NotImplementedError

    def refusal(self, call: CallT) -> web.Response | None:
        """An error answered instead of the method: a failure asked for by the test."""
        failure = self.take_failure(call.method, call.chat_id)
        return None if failure is None else error(failure.status, failure.description, failure.retry_after)

    async def _api(self, request: web.Request) -> web.Response:
        """`/bot<token>/<method>`: check the token, record the call, refuse it or run the fake's `_m_<method>`."""
        if request.match_info["token"] != self.token:
            return error(401, self.unauthorized)
        call = await self.read_call(request)
        if isinstance(call, web.Response):
            return call
        self.record(call)
        handler = getattr(self, f"_m_{call.method}", None)
        response = self.refusal(call)
        if response is None and handler is None:
            response = error(*self.unknown_method)
        if response is None:
            result = await self.invoke(handler, call)
            response = result if isinstance(result, web.Response) else answer(result)
        call.status = response.status
        return response

    def record(self, call: CallT) -> CallT:
        call.at = self.clock.monotonic()
        self.calls.append(call)
        return call

    async def wait_for_update(self, seconds: float) -> None:
        """Wait (holding the queue's lock) until an update is pushed, polls are ended, or `seconds` passed."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._pushed.wait(), seconds)

    async def deliver_to_webhook(self, body: dict[str, Any], *, header: str, secret: str | None) -> int:
        """POST to the registered URL with the registered secret in `header` (`secret=""`), another secret,
        or none (`None`); the HTTP status the bot answered."""
        assert self.webhook is not None, "no webhook registered"
        token = self.webhook.get("secret_token") if secret == "" else secret
        headers = {header: token} if token is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook["url"], json=body, headers=headers) as response,
        ):
            return response.status


def answer(result: Any) -> web.Response:
    return web.json_response({"ok": True} if result is NO_RESULT else {"ok": True, "result": result})


def error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:  # Telegram's ResponseParameters
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
