"""`cdht import-roster` and `cdht import-answers`: load a CSV/XLSX file in one transaction, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import fail, now, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App


def register(app: typer.Typer) -> None:
    app.command("import-roster")(import_roster_command)
    app.command("import-answers")(import_answers_command)


def import_roster_command(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Nhập danh sách đơn vị và cán bộ từ tệp CSV/XLSX (tất cả hoặc không gì cả)."""
    from cdht.handlers.admin.roster import RosterError, import_roster
    from cdht.handlers.admin.spreadsheet import SpreadsheetError

    async def work(application: App) -> str:
        await application.database.upgrade()
        async with application.uow() as uow:
            report = await import_roster(file, uow, now())
        return report.summary()

    try:
        typer.echo(run_with_app(work))
    except (RosterError, SpreadsheetError) as error:
        raise fail(_refusal(file, error)) from error


def import_answers_command(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Nhập câu trả lời từ tệp CSV/XLSX (unit_code, year, item, value, evidence)."""
    from cdht.handlers.admin.answers_import import AnswersImportError, import_answers
    from cdht.handlers.admin.spreadsheet import SpreadsheetError

    async def work(application: App) -> str:
        await application.database.upgrade()
        async with application.uow() as uow:
            report = await import_answers(file, uow, application.files, now())
        return report.summary()

    try:
        typer.echo(run_with_app(work))
    except (AnswersImportError, SpreadsheetError) as error:
        raise fail(_refusal(file, error)) from error


def _refusal(file: Path, error: Exception) -> str:
    return f"Không nhập tệp {file.name}; cơ sở dữ liệu không thay đổi.\n{error}"
