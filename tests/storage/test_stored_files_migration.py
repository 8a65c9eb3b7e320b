"""Migration 0011 on SQLite and on the real PostgreSQL server: the database file store's tables and the
broadcasts' file id come with the upgrade and go with the downgrade, and the upgrade runs again after it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.storage.conftest import migrate

TABLES = {"stored_files", "stored_file_chunks"}


async def _schema(engine: AsyncEngine) -> tuple[set[str], set[str]]:
    """The tables, and the broadcasts' columns."""

    def read(sync: object) -> tuple[set[str], set[str]]:
        inspector = inspect(sync)
        return set(inspector.get_table_names()), {c["name"] for c in inspector.get_columns("broadcasts")}

    async with engine.connect() as connection:
        return await connection.run_sync(read)


async def test_the_stored_files_tables_come_and_go(empty_engine: AsyncEngine) -> None:
    await migrate(empty_engine, "upgrade", "0010")
    tables, columns = await _schema(empty_engine)
    assert not TABLES & tables and "attachment_sha256" not in columns
    await migrate(empty_engine, "upgrade", "0011")
    tables, columns = await _schema(empty_engine)
    assert tables >= TABLES and {"attachment_sha256", "attachment_name", "attachment_path"} <= columns
    await migrate(empty_engine, "downgrade", "0010")
    tables, columns = await _schema(empty_engine)
    assert not TABLES & tables and "attachment_sha256" not in columns and "attachment_path" in columns
    await migrate(empty_engine, "upgrade", "head")
    assert (await _schema(empty_engine))[0] >= TABLES


async def test_a_broadcast_s_file_path_becomes_its_id_in_the_store(empty_engine: AsyncEngine) -> None:
    """A broadcast queued before 0011 named its file by the evidence folder's path, whose last part is the
    file's sha256: the upgrade keeps that as the file's id; a path that is no hash is left without one."""
    await migrate(empty_engine, "upgrade", "0010")
    sha = "ab" * 32
    now = datetime(2025, 11, 1, tzinfo=UTC)
    async with empty_engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO units (id, code, name, tier, is_difficult_area, created_at) "
                "VALUES (1, 'X', 'Xã', 'commune', false, :now)"
            ),
            {"now": now},
        )
        await connection.execute(
            text(
                "INSERT INTO people (id, name, phone, role, unit_id, active, reachable, created_at) "
                "VALUES (1, 'Thu', '+84901000001', 'commune_officer', 1, true, true, :now)"
            ),
            {"now": now},
        )
        for broadcast_id, path in ((1, f"data/evidence/ab/{sha}"), (2, "/tmp/other.png"), (3, None)):  # noqa: S108
            await connection.execute(
                text(
                    "INSERT INTO broadcasts (id, author_id, text, audience, status, recipients, created_at, "
                    "updated_at, queued_through, attachment_path, attachment_kind) VALUES (:id, 1, 'Họp', "
                    "'{}', 'done', 0, :now, :now, 0, :path, 'photo')"
                ),
                {"id": broadcast_id, "now": now, "path": path},
            )
    await migrate(empty_engine, "upgrade", "0011")
    async with empty_engine.connect() as connection:
        rows = (
            await connection.execute(text("SELECT id, attachment_sha256 FROM broadcasts ORDER BY id"))
        ).all()
    found: dict[int, str | None] = {row.id: row.attachment_sha256 for row in rows}
    assert found == {1: sha, 2: None, 3: None}
    await migrate(empty_engine, "downgrade", "0010")  # and back, with the paths as they were
    async with empty_engine.connect() as connection:
        paths = (
            await connection.execute(text("SELECT attachment_path FROM broadcasts ORDER BY id"))
        ).scalars()
        assert list(paths) == [f"data/evidence/ab/{sha}", "/tmp/other.png", None]  # noqa: S108
