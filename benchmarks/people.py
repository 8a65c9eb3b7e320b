"""Synthetic people for the inbound and sending benchmarks: a province of communes and villages, one village
head per village, each already registered on Telegram (user id = chat id), and the databases they live in."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from cdht.storage.database import Database, create_engine

NOW = datetime(2025, 11, 20, 2, 0, tzinfo=UTC)
FIRST_USER_ID = 800_000
VILLAGES_PER_COMMUNE = 20
POSTGRES_URL = os.environ.get(
    "CDHT_BENCH_POSTGRES_URL",
    os.environ.get("CDHT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
)


async def seed_people(database: Database, count: int) -> tuple[list[int], int]:
    """`count` village heads linked to Telegram accounts, and a province admin; returns (user ids, admin id)."""
    user_ids: list[int] = []
    async with database.uow() as uow:
        province = await uow.units.add("BP", "Tỉnh Benchmark", "province", None, NOW)
        admin = await uow.people.add("Quản trị tỉnh", "+84900999999", "province_admin", province.id, NOW)
        commune_id = province.id
        for index in range(count):
            if index % VILLAGES_PER_COMMUNE == 0:
                code = f"BP-X{index // VILLAGES_PER_COMMUNE:04d}"
                commune_id = (await uow.units.add(code, f"Xã {code}", "commune", province.id, NOW)).id
            village = await uow.units.add(f"BP-T{index:05d}", f"Thôn {index}", "village", commune_id, NOW)
            person = await uow.people.add(
                f"Trưởng thôn {index}", f"+8491{index:07d}", "village_head", village.id, NOW
            )
            user_id = FIRST_USER_ID + index
            await uow.people.link_identity(person.id, "telegram", str(user_id), str(user_id), NOW)
            user_ids.append(user_id)
        await uow.commit()
    return user_ids, admin.id


async def postgres_answers() -> bool:
    engine = create_engine(POSTGRES_URL, connect_args={"timeout": 2})
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    except (OSError, Exception):  # refused, no such database, wrong password: no PostgreSQL result
        return False
    finally:
        await engine.dispose()


@asynccontextmanager
async def fresh_database(kind: str, folder: Path) -> AsyncIterator[tuple[Database, dict[str, str | None]]]:
    """A migrated, empty database, and the settings that point the bot at it; a PostgreSQL schema is
    created for the run and dropped after it."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.sqlite3'}"
        database = Database(url)
        await database.upgrade()
        try:
            yield database, {"database_url": url, "database_schema": None}
        finally:
            await database.dispose()
        return
    schema = f"cdht_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(POSTGRES_URL, schema=schema)
    try:
        await database.upgrade()
        yield database, {"database_url": POSTGRES_URL, "database_schema": schema}
    finally:
        await database.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
