"""`cdht db upgrade`, `cdht db copy-files` and `cdht seed-demo`: the database's schema, the files moved into
it, and the demo district."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from cdht.cli.common import DEMO_ROSTER, fail, run_with_app
from cdht.cli.imports import import_roster_command

if TYPE_CHECKING:
    from cdht.bot.composition import App

db_app = typer.Typer(help="Cơ sở dữ liệu.")


def register(app: typer.Typer) -> None:
    app.command("seed-demo")(seed_demo_command)
    app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Áp dụng các bản cập nhật cấu trúc cơ sở dữ liệu (Alembic)."""

    async def work(application: App) -> None:
        await application.database.upgrade()

    run_with_app(work)
    typer.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất.")


@db_app.command("copy-files")
def db_copy_files() -> None:
    """Chép các tệp đã lưu trong thư mục dữ liệu (minh chứng, hồ sơ, tệp xuất) vào cơ sở dữ liệu, để mọi
    máy xử lý đều đọc được (CDHT_FILE_STORE=database)."""
    import asyncio

    from cdht.storage.database_files import DatabaseFileStore
    from cdht.storage.folder_files import FolderFileStore

    async def work(application: App) -> int:
        if not isinstance(application.files, DatabaseFileStore):
            raise fail("Chỉ dùng khi đã đặt CDHT_FILE_STORE=database: tệp sẽ được chép vào cơ sở dữ liệu.")
        await application.database.upgrade()
        settings = application.settings
        folder = FolderFileStore(settings.evidence_dir, settings.data_dir / "exports")
        return await asyncio.to_thread(folder.copy_into, application.files)

    copied = run_with_app(work)
    typer.echo(f"Đã chép {copied} tệp từ thư mục dữ liệu vào cơ sở dữ liệu.")


def seed_demo_command() -> None:
    """Nạp danh sách mẫu (một huyện giả định với 3 xã) vào cơ sở dữ liệu."""
    import_roster_command(DEMO_ROSTER)
