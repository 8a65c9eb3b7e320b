"""`cdht remind`: queue a reminder for everyone with unanswered questions, outside the quiet hours."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import now, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App
    from cdht.handlers.officer.reminders import ReminderRun


def register(app: typer.Typer) -> None:
    app.command("remind")(remind_command)


def remind_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ xem ai sẽ được nhắc")] = False,
) -> None:
    """Nhắc những người còn câu chưa trả lời (ngoài giờ nghỉ 21:00–07:00)."""
    from cdht.bot.console.channel import LocalFileFetcher
    from cdht.handlers.officer import reminders

    async def work(application: App) -> ReminderRun:
        await application.database.upgrade()
        year = application.services(LocalFileFetcher()).year
        return await reminders.tick(
            application.uow, now(), year, application.reminder_policy(), dry_run=dry_run
        )

    run = run_with_app(work)
    if run.quiet:
        typer.echo("Đang trong giờ nghỉ (21:00–07:00): không gửi nhắc việc.")
        return
    for item in run.planned:
        note = "" if item.reachable else " [chưa đăng ký bot: không gửi được]"
        typer.echo(f"{item.unit.code} · {item.person.name} ({item.person.phone}){note}\n    {item.text}")
    typer.echo(
        f"{len(run.planned)} người cần nhắc" + ("" if dry_run else f"; đã xếp {run.queued} tin vào hàng đợi.")
    )
