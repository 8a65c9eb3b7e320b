"""`cdht remind` and `cdht deadline`: the collection calendar — reminders for everyone with unanswered
questions (outside the quiet hours), and the date by which a unit and every unit under it must submit."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import fail, now, parse_day, run_with_app

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


def register_deadline(app: typer.Typer) -> None:
    app.command("deadline")(deadline_command)


def deadline_command(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị (áp dụng cho đơn vị này và các đơn vị trực thuộc)")],
    year: Annotated[int, typer.Option("--year")],
    until: Annotated[str, typer.Option("--date", help="Hạn nộp số liệu YYYY-MM-DD")],
) -> None:
    """Đặt hạn nộp số liệu của một năm cho một đơn vị và mọi đơn vị trực thuộc (tiến độ và nhắc việc dùng hạn này).

    Mặc định theo hạn gửi hồ sơ của Thông tư 25/2023 (Điều 9, 14, 19), sớm hơn một tháng để kịp tự đánh giá:
    thôn và xã 31/01, huyện 31/03, tỉnh 30/06 của năm sau năm đánh giá."""
    from cdht.handlers.ports import YearRecord

    day = parse_day(until)

    async def work(application: App) -> int:
        await application.database.upgrade()
        async with application.uow() as uow:
            target = await uow.units.by_code(unit)
            if target is None:
                raise fail(f"Không có đơn vị {unit}.")
            units = await uow.units.subtree(target.id)
            reviews = await uow.years.for_units([u.id for u in units], year)
            for member in units:
                current = reviews.get(member.id) or YearRecord(member.id, year, "open")
                await uow.years.save(dataclasses.replace(current, deadline=day), now())
            await uow.commit()
            return len(units)

    typer.echo(f"Đã đặt hạn {day:%d/%m/%Y} cho {run_with_app(work)} đơn vị.")
