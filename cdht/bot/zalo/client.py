"""Our own small Zalo Bot API client (no third-party SDK): JSON POST to `<base>/bot<TOKEN>/<method>`,
answers `{ok, result, error_code, description}`.

The token is part of every URL, so it must never reach a log: httpx's request log is turned down to warnings
and error messages carry the method name only.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import structlog
from pydantic import ValidationError

from cdht.bot.zalo.models import ApiResponse, BotInfo, SentMessage, WebhookInfo, ZaloUpdate

DEFAULT_BASE = "https://bot-api.zaloplatforms.com"
TEXT_LIMIT = 2000
POLL_TIMEOUT_CODE = 408  # getUpdates: nothing arrived while the long poll waited

log = structlog.get_logger(__name__)
logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines print URLs, and ours hold the token


class ZaloError(Exception):
    """Any failed call."""


class ZaloAPIError(ZaloError):
    """The API answered, and refused: `code` is its error_code (or the HTTP status when it gave none)."""

    def __init__(self, method: str, code: int, description: str) -> None:
        super().__init__(f"{method}: {code} {description}")
        self.method = method
        self.code = code
        self.description = description


class ZaloNetworkError(ZaloError):
    """No answer: connection refused or reset, a timeout, a body that is not the API's JSON."""


class ZaloBotClient:
    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE,
        *,
        timeout_seconds: float = 30.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._token = token
        self.base_url = base_url.rstrip("/")
        self._http = http or httpx.AsyncClient(timeout=timeout_seconds)
        self._owns_http = http is None

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def call(
        self, method: str, payload: dict[str, Any] | None = None, *, request_timeout: float | None = None
    ) -> Any:
        """The `result` of a method; raises ZaloAPIError when refused, ZaloNetworkError when unanswered."""
        url = f"{self.base_url}/bot{self._token}/{method}"
        try:
            response = await self._http.post(
                url,
                json=payload or {},
                timeout=request_timeout if request_timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.TimeoutException as error:
            raise ZaloNetworkError(f"{method}: timeout") from error
        except httpx.HTTPError as error:
            raise ZaloNetworkError(f"{method}: {type(error).__name__}") from error
        try:
            answer = ApiResponse.model_validate_json(response.content)
        except ValidationError:
            if response.is_success:
                raise ZaloNetworkError(
                    f"{method}: not a Bot API answer (HTTP {response.status_code})"
                ) from None
            raise ZaloAPIError(method, response.status_code, response.reason_phrase) from None
        if not answer.ok or not response.is_success:
            code = answer.error_code or (response.status_code if not response.is_success else 0)
            raise ZaloAPIError(
                method, code, (answer.description or response.reason_phrase).replace(self._token, "…")
            )
        return answer.result

    async def get_me(self) -> BotInfo:
        return BotInfo.model_validate(await self.call("getMe"))

    async def get_updates(self, timeout_seconds: int) -> list[ZaloUpdate]:
        """The next update(s); empty when none came within the long poll (HTTP or error code 408).

        The API returns one update per call, not a list; a list is accepted too should that change."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(timeout_seconds)}, request_timeout=timeout_seconds + 15.0
            )
        except ZaloAPIError as error:
            if error.code == POLL_TIMEOUT_CODE:
                return []
            raise
        except ZaloNetworkError as error:
            if isinstance(error.__cause__, httpx.ReadTimeout):
                return []
            raise
        items = result if isinstance(result, list) else [result]
        updates = []
        for item in items:
            if not isinstance(item, dict) or not item:
                continue
            try:
                updates.append(ZaloUpdate.model_validate(item))
            except ValidationError:
                # Handed out is gone (Zalo cannot send it again), and raising would stop the polling loop.
                log.error("zalo getUpdates: not an update, skipped", fields=sorted(item)[:20])
        return updates

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> WebhookInfo:
        result = await self.call("getWebhookInfo")
        return WebhookInfo.model_validate(result if isinstance(result, dict) else {})

    async def send_message(self, chat_id: str, text: str) -> SentMessage:
        if not 1 <= len(text) <= TEXT_LIMIT:
            raise ValueError(f"sendMessage text must have 1–{TEXT_LIMIT} characters, not {len(text)}")
        return _sent(await self.call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> SentMessage:
        payload: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption[:TEXT_LIMIT]
        return _sent(await self.call("sendPhoto", payload))

    async def send_sticker(self, chat_id: str, sticker: str) -> SentMessage:
        return _sent(await self.call("sendSticker", {"chat_id": chat_id, "sticker": sticker}))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def download(self, url: str, *, max_bytes: int, timeout_seconds: float = 60.0) -> bytes | None:
        """A file the platform links to (a photo a person sent); None when it cannot be read. A bigger body
        than `max_bytes` is cut at `max_bytes + 1` bytes, enough for the caller to refuse it by its size."""
        if not url.startswith(("https://", "http://")):
            return None
        content = bytearray()
        try:
            async with self._http.stream(
                "GET", url, timeout=timeout_seconds, follow_redirects=True
            ) as response:
                if not response.is_success:
                    return None
                async for chunk in response.aiter_bytes():
                    content += chunk
                    if len(content) > max_bytes:
                        break
        except httpx.HTTPError:
            return None
        return bytes(content[: max_bytes + 1])


def _sent(result: Any) -> SentMessage:
    return SentMessage.model_validate(result if isinstance(result, dict) else {})
