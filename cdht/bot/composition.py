"""The composition root: the one place where settings, storage and use cases are wired together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cdht.config import Settings
from cdht.handlers.departments import configure_departments
from cdht.handlers.ports import BatchUnitOfWork, FileStore, StorageAbilities, UnitOfWork
from cdht.logs import configure_logging
from cdht.storage.database import Database
from cdht.storage.database_files import DatabaseFileStore
from cdht.storage.folder_files import FolderFileStore
from cdht.storage.off_loop import ThreadReads

if TYPE_CHECKING:  # imported where used: `cdht score` needs neither the officers' use cases nor their context
    from cdht.handlers.context import MediaFetcher, Services
    from cdht.handlers.officer.reminders import ReminderPolicy


@dataclass
class App:
    settings: Settings
    database: Database
    files: FileStore
    reads: ThreadReads | None = field(default=None)

    def uow(self) -> UnitOfWork:
        return self.database.uow()

    def batch_uow(self) -> BatchUnitOfWork:
        return self.database.batch_uow()

    @property
    def abilities(self) -> StorageAbilities:
        return self.database.abilities

    def services(self, fetcher: MediaFetcher, today: date | None = None) -> Services:
        from cdht.handlers.context import Services

        settings = self.settings
        local = today or datetime.now(ZoneInfo(settings.timezone)).date()
        return Services(
            files=self.files,
            fetcher=fetcher,
            year=settings.year_for(local),
            timezone=settings.timezone,
            exports_dir=settings.data_dir / "exports",
            reads=self.reads,
            invite_hours=settings.invite_ttl_hours,
            retention_days=settings.retention_days,
            dossier_receivers=settings.dossier_receivers,
            recognition_validity=settings.recognition_validity,
            annual_issuers=settings.annual_report_issuers,
            annual_recipients=settings.annual_report_recipients,
            miniapp=miniapp_url(settings) is not None,
        )

    def reminder_policy(self) -> ReminderPolicy:
        from cdht.handlers.officer.reminders import ReminderPolicy

        return ReminderPolicy(
            timezone=self.settings.timezone, recognition_validity=self.settings.recognition_validity
        )


@asynccontextmanager
async def open_app(settings: Settings | None = None) -> AsyncIterator[App]:
    settings = settings or Settings()
    configure_logging(settings.log_level)
    configure_departments(settings.departments_file)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = _database(settings)
    reads = ThreadReads(lambda: _database(settings))
    files = file_store(settings)
    try:
        yield App(settings, database, files, reads)
    finally:
        await reads.close()
        if isinstance(files, DatabaseFileStore):
            await asyncio.to_thread(files.close)
        await database.dispose()


def miniapp_url(settings: Settings) -> str | None:
    """The public base the Mini App is served under, or None when it is off (no public URL, or turned off)."""
    return settings.public_url.rstrip("/") if settings.public_url and settings.miniapp else None


def file_store(settings: Settings) -> FolderFileStore | DatabaseFileStore:
    """The file store `CDHT_FILE_STORE` names: the data folder (one machine), or the database (every worker)."""
    if settings.file_store == "database":
        return DatabaseFileStore(lambda: _database(settings).engine)
    return FolderFileStore(settings.evidence_dir, settings.data_dir / "exports")


def _database(settings: Settings) -> Database:
    return Database(
        settings.resolved_database_url,
        schema=settings.database_schema,
        inline=settings.sqlite_inline,
        slow_ms=settings.slow_ms,
    )
