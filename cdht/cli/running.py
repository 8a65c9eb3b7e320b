"""Commands that run the bot: `cdht run` (every configured channel, or the console on the demo district),
`cdht worker` (one more processing process) and `cdht chat` (the console channel as one person)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import DEMO_ROSTER, now, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App
    from cdht.handlers.ports import PersonRecord


def register(app: typer.Typer) -> None:
    app.command("chat")(chat_command)
    app.command("run")(run_command)
    app.command("worker")(worker_command)


def chat_command(
    phone: Annotated[str | None, typer.Option(help="Số điện thoại của người trong danh sách")] = None,
    role: Annotated[str | None, typer.Option(help="Hoặc vai trò: village_head, commune_officer, ...")] = None,
) -> None:
    """Trò chuyện với bot ngay trong cửa sổ dòng lệnh (kênh console), với tư cách một người trong danh sách."""
    from cdht.bot.console.repl import choose_person

    async def work(application: App) -> None:
        await application.database.upgrade()
        person = await choose_person(application, phone, role)
        if person is None:
            typer.echo(
                "Không tìm thấy người này trong danh sách. Nhập danh sách bằng `cdht import-roster`.",
                err=True,
            )
            raise typer.Exit(1)
        await _chat_with_pages(application, person)

    run_with_app(work)


def run_command(
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=32, help="Số tiến trình xử lý (PostgreSQL)")
    ] = 1,
) -> None:
    """Chạy bot: Telegram và/hoặc Zalo khi đã cấu hình token, nếu không thì kênh console với dữ liệu mẫu."""
    from cdht.bot.processes import start_worker_process, stop_worker_processes

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


def worker_command() -> None:
    """Một tiến trình xử lý thêm (không nhận tin): dùng chung PostgreSQL với `cdht run`."""

    async def work(application: App) -> None:
        await run_channels(application, receive=False)

    run_with_app(work)


async def run_channels(application: App, *, receive: bool) -> None:
    """Every configured channel in this process, sharing one stop signal; jobs and the scheduler run once
    (in the receiving process only)."""
    from cdht.bot.channels import configured_channels  # aiogram and the Zalo client: seconds to import
    from cdht.bot.heap import freeze_startup_heap
    from cdht.bot.serving import http_server, serve
    from cdht.bot.stalls import watch_stalls

    settings = application.settings
    stop = asyncio.Event()
    channels = configured_channels(application)  # imports aiogram: before the heap is frozen
    server = http_server(application, channels) if receive else None  # the pages' templates: before it too
    freeze_startup_heap(renderers=receive)  # the receiving process runs the export jobs
    await application.database.checkpoint_off_the_loop()
    watcher = asyncio.create_task(watch_stalls(stop, threshold=settings.slow_ms / 1000))
    try:
        if channels:  # `cdht worker` without a token has nothing to do
            await serve(application, channels, stop=stop, receive=receive, background=receive, server=server)
    finally:
        stop.set()
        await watcher


async def _chat_with_pages(application: App, person: PersonRecord) -> None:
    """The console chat; with a public URL, the Mini App is served meanwhile so that its links open."""
    from cdht.bot.console.repl import chat_loop
    from cdht.bot.serving import pages_served

    async with pages_served(application):
        await chat_loop(application, person)


async def _console_demo(application: App) -> None:
    from cdht.bot.console.repl import choose_person
    from cdht.handlers.admin.roster import import_roster

    async with application.uow() as uow:
        if not await uow.people.all():
            report = await import_roster(DEMO_ROSTER, uow, now())
            typer.echo(f"Đã nạp danh sách mẫu (huyện demo): {report.summary()}")
    typer.echo("Chưa cấu hình Telegram: chạy kênh console trên huyện mẫu. Xem README để cấu hình.")
    person = await choose_person(application, None, None)
    if person is None:
        typer.echo("Chưa chọn người nào. Tạm biệt!")
        return
    await _chat_with_pages(application, person)
