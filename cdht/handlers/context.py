"""What every use case gets besides the unit of work: who wrote, and the services at the edge."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from cdht.conversations.inbound import Media
from cdht.handlers.ports import FileStore, UnitOfWork
from cdht.reports.annual_stats import ISSUERS, RECIPIENTS
from cdht.scoring.facts import RecognitionValidity

T = TypeVar("T")


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


class LongReads(Protocol):
    """Runs a long read (a province's scores, an export's data) with a unit of work of its own, where it
    cannot hold the event loop."""

    async def run(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T: ...


@dataclass(frozen=True)
class Services:
    files: FileStore
    fetcher: MediaFetcher
    year: int
    max_evidence_bytes: int = 20 * 1024 * 1024
    timezone: str = "Asia/Ho_Chi_Minh"
    exports_dir: Path = Path("data/exports")
    reads: LongReads | None = None
    invite_hours: float = 72.0  # how long a `/moi` code stays valid (settings.invite_ttl_hours)
    retention_days: int = 30  # how long handled updates, sent messages and exports are kept (settings)
    dossier_receivers: Mapping[str, str] = field(  # evaluated tier -> receiving tier (settings)
        default_factory=lambda: {"commune": "district", "district": "province", "province": "province"}
    )
    recognition_validity: RecognitionValidity = "assessed_year"  # how «bảo lưu … 3 năm» is read (settings)
    annual_issuers: Mapping[str, str] = field(default_factory=lambda: dict(ISSUERS))  # the May report's
    annual_recipients: Mapping[str, Sequence[str]] = field(default_factory=lambda: dict(RECIPIENTS))
    miniapp: bool = False  # the Mini App is served (a public URL and settings.miniapp): offer its pages

    async def long_read(self, uow: UnitOfWork, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """`work` off the event loop where the composition root gives a way (`reads`), else on `uow`."""
        if self.reads is None:
            return await work(uow)
        return await self.reads.run(work)

    def local_date(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.timezone)).date()
