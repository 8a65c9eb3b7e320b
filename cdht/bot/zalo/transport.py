"""Delivering one outbox row to Zalo: text split under 2000 characters with options as numbered lines, charts
by sendPhoto with a signed link to our own server (Zalo fetches photos by URL only), and exports as a signed
download link in a text message, Mini App pages as a signed link for the recipient. After a successful send
the message's numbered options are remembered for the chat, so that the number the person types next is read
against it.

Zalo errors become the outbox sender's failure kinds: 429 retry later, 400/404 permanent, 403 temporary for
the first attempts and then unreachable (see `FORBIDDEN_ATTEMPTS`), anything else (5xx, timeouts, codes not
documented) temporary.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from cdht.bot.app_links import AppLinkSigner, app_link_lines
from cdht.bot.files_server import FileLinks
from cdht.bot.zalo import numbered_choices
from cdht.bot.zalo.client import ZaloAPIError, ZaloBotClient, ZaloNetworkError
from cdht.bot.zalo.decode import CHANNEL
from cdht.bot.zalo.render import TEXT_LIMIT, ZaloRendering, render
from cdht.conversations.outbound import FileRef
from cdht.handlers.ports import FileStore, OutboxRecord, PersonRecord, UnitOfWorkFactory
from cdht.handlers.wire import outbound_from_json
from cdht.pipeline.transport import PermanentFailure, RecipientUnreachable, RetryAfter, TemporaryFailure

# Zalo's error table (https://bot.zaloplatforms.com/docs/, "Bảng mã lỗi") lists 403 as "Internal server error",
# not as "blocked" as Telegram's 403 is; it documents no error for a person who blocked the bot. So a send
# answered 403 is retried with the sender's back-off, and only a send answered 403 at its
# FORBIDDEN_ATTEMPTS-th attempt marks the person unreachable. The count is the row's earlier failures of any
# kind (`row.attempts`), so a row that already failed otherwise reaches it sooner.
FORBIDDEN_ATTEMPTS = 3

NO_PUBLIC_URL = (
    "(Chưa gửi được tệp vì máy chủ bot chưa có địa chỉ công khai — xin báo quản trị: CDHT_PUBLIC_URL.)"
)


class ZaloTransport:
    def __init__(
        self,
        client: ZaloBotClient,
        uow_factory: UnitOfWorkFactory,
        links: FileLinks | None,
        clock: Callable[[], datetime],
        files: FileStore,
        *,
        timezone: str = "Asia/Ho_Chi_Minh",
        retry_after_seconds: float = 5.0,  # Zalo publishes no rate limits and sends no retry_after
        app_links: AppLinkSigner | None = None,  # None: the Mini App is off, its pages are left out
    ) -> None:
        self._client = client
        self._app_links = app_links
        self._retry_after = retry_after_seconds
        self._uow_factory = uow_factory
        self._links = links
        self._clock = clock
        self._files = files
        self._zone = ZoneInfo(timezone)

    def is_group(self, chat_id: str) -> bool:
        return False  # Zalo bots chat in private only

    async def send(self, row: OutboxRecord, person: PersonRecord | None) -> str | None:
        message = outbound_from_json(row.payload)
        photo_url, link_lines = await self._attachment(message.attachment, message.attachment_kind)
        app_lines = app_link_lines(
            message, self._app_links, None if person is None else person.id, CHANNEL, self._zone
        )
        rendering = render(message, link_lines=link_lines + app_lines)
        try:
            sent = await self._deliver(row.chat_id, rendering, photo_url)
        except ZaloAPIError as error:
            raise _failure(error, self._retry_after, earlier_failures=row.attempts) from error
        except ZaloNetworkError as error:
            raise TemporaryFailure(str(error)) from error
        if rendering.numbered or row.person_id is None:
            # A notification without options (a chart, a reminder) leaves the menu above it answerable.
            async with self._uow_factory() as uow:
                await numbered_choices.remember(uow, row.chat_id, rendering, self._clock())
                await uow.commit()
        return sent

    async def _deliver(self, chat_id: str, rendering: ZaloRendering, photo_url: str | None) -> str | None:
        texts = list(rendering.texts)
        message_id = None
        if photo_url is not None:
            caption = texts.pop(0) if len(texts) == 1 else None
            sent = await self._client.send_photo(chat_id, photo_url, caption=caption)
            message_id = sent.message_id
        for text in texts:
            sent = await self._client.send_message(chat_id, text[:TEXT_LIMIT])
            message_id = sent.message_id
        return message_id

    async def _attachment(
        self, stored: FileRef | None, kind: str | None
    ) -> tuple[str | None, tuple[str, ...]]:
        """(the photo's URL for sendPhoto, lines that link a document), both signed and expiring."""
        if stored is None:
            return None, ()
        try:
            present = await asyncio.to_thread(self._files.exists, stored.sha256)
        except ValueError:
            present = False
        if not present:
            raise PermanentFailure(f"attachment missing: {stored.sha256} ({stored.name})")
        if self._links is None:
            return None, ("", NO_PUBLIC_URL)
        link = self._links.link(stored)
        if kind == "photo":
            return link.url, ()
        until = link.expires_at.astimezone(self._zone).strftime("%H:%M ngày %d/%m/%Y")
        return None, ("", f"📎 Tải tệp «{stored.name}»:", link.url, f"(Liên kết dùng được đến {until}.)")


def _failure(error: ZaloAPIError, retry_after: float, *, earlier_failures: int) -> Exception:
    if error.code == 429:
        return RetryAfter(retry_after, error.description)
    if error.code == 403:
        if earlier_failures + 1 < FORBIDDEN_ATTEMPTS:
            return TemporaryFailure(str(error))
        return RecipientUnreachable(error.description)
    if error.code in (400, 404, 413):
        return PermanentFailure(error.description)
    return TemporaryFailure(str(error))
