"""`cdht db upgrade` and `cdht seed-demo`: the database's schema and the demo district."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from cdht.cli.common import DEMO_ROSTER, run_with_app
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


def seed_demo_command() -> None:
    """Nạp danh sách mẫu (một huyện giả định với 3 xã) vào cơ sở dữ liệu."""
    import_roster_command(DEMO_ROSTER)
