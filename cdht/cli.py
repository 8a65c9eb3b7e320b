"""The `cdht` command line (typer). Each command opens the app from settings and runs one use case."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from cdht.bot.composition import App, open_app
from cdht.handlers.answers_import import AnswersImportError, import_answers
from cdht.handlers.roster import RosterError, import_roster
from cdht.handlers.scores import UnknownUnitError, score_unit
from cdht.handlers.spreadsheet import SpreadsheetError
from cdht.scoring.report import assessment_to_json, format_assessment

app = typer.Typer(help="cdht: bot thu thập dữ liệu đánh giá Cộng đồng học tập (TT 25/2023/TT-BGDĐT).")
db_app = typer.Typer(help="Cơ sở dữ liệu.")
app.add_typer(db_app, name="db")

T = TypeVar("T")


def _run(work: Callable[[App], Awaitable[T]]) -> T:
    async def main() -> T:
        async with open_app() as application:
            return await work(application)

    return asyncio.run(main())


def _now() -> datetime:
    return datetime.now(UTC)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Áp dụng các bản cập nhật cấu trúc cơ sở dữ liệu (Alembic)."""

    async def work(application: App) -> None:
        await application.database.upgrade()

    _run(work)
    typer.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất.")


@app.command("import-roster")
def import_roster_command(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Nhập danh sách đơn vị và cán bộ từ tệp CSV/XLSX (tất cả hoặc không gì cả)."""

    async def work(application: App) -> str:
        await application.database.upgrade()
        async with application.uow() as uow:
            report = await import_roster(file, uow, _now())
        return report.summary()

    try:
        typer.echo(_run(work))
    except (RosterError, SpreadsheetError) as error:
        typer.echo(f"Không nhập tệp {file.name}; cơ sở dữ liệu không thay đổi.\n{error}", err=True)
        raise typer.Exit(1) from error


@app.command("import-answers")
def import_answers_command(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Nhập câu trả lời từ tệp CSV/XLSX (unit_code, year, item, value, evidence)."""

    async def work(application: App) -> str:
        await application.database.upgrade()
        async with application.uow() as uow:
            report = await import_answers(file, uow, application.files, _now())
        return report.summary()

    try:
        typer.echo(_run(work))
    except (AnswersImportError, SpreadsheetError) as error:
        typer.echo(f"Không nhập tệp {file.name}; cơ sở dữ liệu không thay đổi.\n{error}", err=True)
        raise typer.Exit(1) from error


@app.command("score")
def score_command(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị")],
    year: Annotated[int, typer.Option("--year", help="Năm đánh giá")],
    as_json: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON (cấu trúc cố định)")] = False,
) -> None:
    """Chấm điểm một đơn vị theo TT 25/2023 cho một năm."""

    async def work(application: App) -> str:
        await application.database.upgrade()
        async with application.uow() as uow:
            assessment = await score_unit(uow, unit, year)
        if as_json:
            return json.dumps(assessment_to_json(assessment), ensure_ascii=False, indent=2)
        return format_assessment(assessment)

    try:
        typer.echo(_run(work))
    except UnknownUnitError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error


def main() -> None:
    app()
