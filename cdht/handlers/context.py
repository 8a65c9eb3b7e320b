"""What every use case gets besides the unit of work: who wrote, and the services at the edge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from cdht.conversations.inbound import Media
from cdht.handlers.ports import FileStore


@dataclass(frozen=True)
class Sender:
    """A person as a channel sees them: the account and the chat to answer in."""

    channel: str
    external_id: str
    chat_id: str
    display_name: str = ""


class MediaFetcher(Protocol):
    """Downloads a photo or file a person sent (Telegram getFile, a Zalo URL, a local path on the console)."""

    async def fetch(self, media: Media) -> bytes | None: ...


@dataclass(frozen=True)
class Services:
    files: FileStore
    fetcher: MediaFetcher
    year: int
    max_evidence_bytes: int = 20 * 1024 * 1024
    timezone: str = "Asia/Ho_Chi_Minh"
    exports_dir: Path = Path("data/exports")

    def local_date(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.timezone)).date()
