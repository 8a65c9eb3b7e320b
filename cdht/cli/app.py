"""The `cdht` command line (typer). Each command opens the app from settings and runs one use case."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from cdht.bot.channels import configured_channels
from cdht.bot.composition import App
from cdht.bot.console.repl import chat_loop, choose_person
from cdht.bot.heap import freeze_startup_heap
from cdht.bot.processes import start_worker_process, stop_worker_processes
from cdht.bot.stalls import watch_stalls
from cdht.cli import invites as cli_invites
from cdht.cli.admin import register as register_admin_commands
from cdht.cli.admin import run_with_app
from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.definition.mermaid import questionnaire_mermaid
from cdht.conversations.definition.schema import questionnaire_json_schema
from cdht.handlers.admin.answers_import import AnswersImportError, import_answers
from cdht.handlers.admin.roster import RosterError, import_roster
from cdht.handlers.admin.spreadsheet import SpreadsheetError
from cdht.handlers.scores import UnknownUnitError, score_unit
from cdht.pipeline import runner
from cdht.scoring.report import assessment_to_json, format_assessment

app = typer.Typer(help="cdht: bot thu thập dữ liệu đánh giá Cộng đồng học tập (TT 25/2023/TT-BGDĐT).")
db_app = typer.Typer(help="Cơ sở dữ liệu.")
app.add_typer(db_app, name="db")
questionnaire_app = typer.Typer(help="Bộ câu hỏi.")
app.add_typer(questionnaire_app, name="questionnaire")
DEMO_ROSTER = Path(__file__).parent.parent / "demo" / "roster.csv"


def _now() -> datetime:
    return datetime.now(UTC)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Áp dụng các bản cập nhật cấu trúc cơ sở dữ liệu (Alembic)."""

    async def work(application: App) -> None:
        await application.database.upgrade()

    run_with_app(work)
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
        typer.echo(run_with_app(work))
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
        typer.echo(run_with_app(work))
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
        typer.echo(run_with_app(work))
    except UnknownUnitError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error


@app.command("chat")
def chat_command(
    phone: Annotated[str | None, typer.Option(help="Số điện thoại của người trong danh sách")] = None,
    role: Annotated[str | None, typer.Option(help="Hoặc vai trò: village_head, commune_officer, ...")] = None,
) -> None:
    """Trò chuyện với bot ngay trong cửa sổ dòng lệnh (kênh console), với tư cách một người trong danh sách."""

    async def work(application: App) -> None:
        await application.database.upgrade()
        person = await choose_person(application, phone, role)
        if person is None:
            typer.echo(
                "Không tìm thấy người này trong danh sách. Nhập danh sách bằng `cdht import-roster`.",
                err=True,
            )
            raise typer.Exit(1)
        await chat_loop(application, person)

    run_with_app(work)


@app.command("run")
def run_command(
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=32, help="Số tiến trình xử lý (PostgreSQL)")
    ] = 1,
) -> None:
    """Chạy bot: Telegram và/hoặc Zalo khi đã cấu hình token, nếu không thì kênh console với dữ liệu mẫu."""

    async def work(application: App) -> None:
        await application.database.upgrade()
        settings = application.settings
        if settings.telegram_token is None and settings.zalo_token is None:
            await _console_demo(application)
            return
        if workers > 1 and not application.abilities.row_locks:
            typer.echo(
                "Nhiều tiến trình cần PostgreSQL (CDHT_DATABASE_URL); SQLite chạy một tiến trình.", err=True
            )
            raise typer.Exit(2)
        extra = [start_worker_process() for _ in range(workers - 1)]
        try:
            await run_channels(application, receive=True)
        finally:
            stop_worker_processes(extra)

    run_with_app(work)


@app.command("worker")
def worker_command() -> None:
    """Một tiến trình xử lý thêm (không nhận tin): dùng chung PostgreSQL với `cdht run`."""

    async def work(application: App) -> None:
        await run_channels(application, receive=False)

    run_with_app(work)


async def run_channels(application: App, *, receive: bool) -> None:
    """Every configured channel in this process, sharing one stop signal; jobs and the scheduler run once
    (in the receiving process only)."""
    settings = application.settings
    stop = asyncio.Event()
    freeze_startup_heap()
    await application.database.checkpoint_off_the_loop()
    watcher = asyncio.create_task(watch_stalls(stop, threshold=settings.slow_ms / 1000))
    try:
        channels = configured_channels(application)
        if channels:  # `cdht worker` without a token has nothing to do
            await runner.run_channels(application, channels, stop=stop, receive=receive, background=receive)
    finally:
        stop.set()
        await watcher


async def _console_demo(application: App) -> None:
    async with application.uow() as uow:
        if not await uow.people.all():
            report = await import_roster(DEMO_ROSTER, uow, _now())
            typer.echo(f"Đã nạp danh sách mẫu (huyện demo): {report.summary()}")
    typer.echo("Chưa cấu hình Telegram: chạy kênh console trên huyện mẫu. Xem README để cấu hình.")
    person = await choose_person(application, None, None)
    if person is None:
        typer.echo("Chưa chọn người nào. Tạm biệt!")
        return
    await chat_loop(application, person)


@app.command("seed-demo")
def seed_demo_command() -> None:
    """Nạp danh sách mẫu (một huyện giả định với 3 xã) vào cơ sở dữ liệu."""
    import_roster_command(DEMO_ROSTER)


@questionnaire_app.command("schema")
def questionnaire_schema_command() -> None:
    """In JSON Schema của định nghĩa bộ câu hỏi (sinh từ mô hình pydantic)."""
    typer.echo(json.dumps(questionnaire_json_schema(), ensure_ascii=False, indent=2))


@questionnaire_app.command("diagram")
def questionnaire_diagram_command(
    questionnaire_id: Annotated[str, typer.Argument(help="Mã bộ câu hỏi")],
) -> None:
    """In sơ đồ Mermaid của một bộ câu hỏi (các câu và điều kiện hỏi)."""
    questionnaires = builtin_questionnaires()
    if questionnaire_id not in questionnaires:
        typer.echo(
            f"Không có bộ câu hỏi '{questionnaire_id}'. Có: {', '.join(sorted(questionnaires))}.", err=True
        )
        raise typer.Exit(1)
    typer.echo(questionnaire_mermaid(questionnaires[questionnaire_id]))


register_admin_commands(app)
cli_invites.register(app)


def main() -> None:
    app()
