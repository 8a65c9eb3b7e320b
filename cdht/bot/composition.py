"""The composition root: the one place where settings, storage and use cases are wired together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from cdht.config import Settings
from cdht.handlers.ports import FileStore, UnitOfWork
from cdht.storage.database import Database
from cdht.storage.evidence_files import EvidenceFileStore


@dataclass
class App:
    settings: Settings
    database: Database
    files: FileStore

    def uow(self) -> UnitOfWork:
        return self.database.uow()


@asynccontextmanager
async def open_app(settings: Settings | None = None) -> AsyncIterator[App]:
    settings = settings or Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.resolved_database_url)
    try:
        yield App(settings=settings, database=database, files=EvidenceFileStore(settings.evidence_dir))
    finally:
        await database.dispose()
