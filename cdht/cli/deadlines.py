"""`cdht deadline`: the date by which a unit and every unit under it must submit a year's figures."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import fail, now, parse_day, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App


def register(app: typer.Typer) -> None:
    app.command("deadline")(deadline_command)


def deadline_command(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị (áp dụng cho đơn vị này và các đơn vị trực thuộc)")],
    year: Annotated[int, typer.Option("--year")],
    until: Annotated[str, typer.Option("--date", help="Hạn nộp số liệu YYYY-MM-DD")],
) -> None:
    """Đặt hạn nộp số liệu của một năm cho một đơn vị và mọi đơn vị trực thuộc (tiến độ và nhắc việc dùng hạn này)."""
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
