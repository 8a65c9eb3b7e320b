"""The file store from the command line: `cdht db copy-files` moves a folder's files into the database
(`CDHT_FILE_STORE=database`), and `cdht prune` drops the database's old exports as it does the folder's,
keeping evidence."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cdht.cli.app import app
from cdht.storage.folder_files import FolderFileStore

PHOTO = b"\xff\xd8\xff\xe0 evidence photo"
WORKBOOK = b"PK\x03\x04 exported workbook"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CDHT_DATA_DIR", str(tmp_path / "data"))
    for name in ("CDHT_DATABASE_URL", "CDHT_RETENTION_DAYS", "CDHT_FILE_STORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


async def _in_database() -> dict[str, tuple[bytes, bool]]:
    """Each stored file's content and whether it is an export, read through the database store."""
    from cdht.bot.composition import open_app

    async with open_app() as application:
        async with application.database.engine.connect() as connection:
            rows = (await connection.execute(text("SELECT sha256, export FROM stored_files"))).all()
        return {
            row.sha256: (await asyncio.to_thread(application.files.read_bytes, row.sha256), bool(row.export))
            for row in rows
        }


async def _age_exports(days: int) -> None:
    from cdht.bot.composition import open_app

    async with open_app() as application, application.database.engine.begin() as connection:
        when = datetime.now(UTC) - timedelta(days=days)
        await connection.execute(
            text("UPDATE stored_files SET stored_at = :when WHERE export"), {"when": when}
        )


def test_files_move_into_the_database_and_old_exports_are_pruned_there(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = FolderFileStore(data_dir / "evidence", data_dir / "exports")
    photo, workbook = folder.put_bytes(PHOTO), folder.put_bytes(WORKBOOK, export=True)
    runner = CliRunner()
    refused = runner.invoke(app, ["db", "copy-files"])
    assert refused.exit_code == 1 and "CDHT_FILE_STORE=database" in refused.output

    monkeypatch.setenv("CDHT_FILE_STORE", "database")
    result = runner.invoke(app, ["db", "copy-files"])
    assert result.exit_code == 0, result.output
    assert "Đã chép 2 tệp" in result.stdout
    assert asyncio.run(_in_database()) == {photo: (PHOTO, False), workbook: (WORKBOOK, True)}
    again = runner.invoke(app, ["db", "copy-files"])  # stored once per content: nothing doubles
    assert again.exit_code == 0 and len(asyncio.run(_in_database())) == 2

    asyncio.run(_age_exports(45))
    result = runner.invoke(app, ["prune"])
    assert result.exit_code == 0, result.output
    assert "và 1 tệp xuất cũ hơn 30 ngày" in result.stdout
    assert asyncio.run(_in_database()) == {photo: (PHOTO, False)}  # evidence stays
