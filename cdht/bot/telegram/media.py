"""The media step's download for Telegram: getFile, then the file through the configured Bot API base.

Telegram lets bots download files up to 20 MB; the answering handler refuses bigger ones from the size in the
update before anything is fetched. A failed download returns None (the person is asked to send it again).
"""

from __future__ import annotations

import aiohttp
import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from cdht.conversations.inbound import Media

log = structlog.get_logger(__name__)

DOWNLOAD_LIMIT = 20 * 1024 * 1024


class TelegramMediaFetcher:
    def __init__(self, bot: Bot, *, timeout_seconds: int = 120) -> None:
        self._bot = bot
        self._timeout = timeout_seconds

    async def fetch(self, media: Media) -> bytes | None:
        try:
            file = await self._bot.get_file(media.file_ref)
            if not file.file_path or (file.file_size or 0) > DOWNLOAD_LIMIT:
                return None
            stream = await self._bot.download_file(file.file_path, timeout=self._timeout)
        except (TelegramAPIError, aiohttp.ClientError, TimeoutError):
            log.warning("telegram file download failed", file_unique_id=media.file_unique_id, exc_info=True)
            return None
        return stream.read() if stream is not None else None
