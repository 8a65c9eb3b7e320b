"""The media step's download for Zalo: a photo comes as a URL on Zalo's CDN that may expire, so the inbox
worker fetches it as soon as it handles the update, and the answering handler stores it by content hash,
exactly as Telegram's files. A failed download returns None (the person is asked to send it again)."""

from __future__ import annotations

import structlog

from cdht.bot.zalo.client import ZaloBotClient
from cdht.conversations.inbound import Media

log = structlog.get_logger(__name__)

DOWNLOAD_LIMIT = 20 * 1024 * 1024


class ZaloMediaFetcher:
    def __init__(self, client: ZaloBotClient, *, max_bytes: int = DOWNLOAD_LIMIT) -> None:
        self._client = client
        self._max_bytes = max_bytes

    async def fetch(self, media: Media) -> bytes | None:
        content = await self._client.download(media.file_ref, max_bytes=self._max_bytes)
        if content is None:
            log.warning("zalo photo download failed", message=media.file_unique_id)
        return content
