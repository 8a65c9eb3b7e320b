"""`cdht recognize`: record a decision recognising a commune, district or province as a learning community."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import fail, now, parse_day, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App


def register(app: typer.Typer) -> None:
    app.command("recognize")(recognize_command)


def recognize_command(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị được công nhận")],
    level: Annotated[int, typer.Option(min=1, max=2)],
    number: Annotated[str, typer.Option("--number", help="Số quyết định")],
    decided_on: Annotated[str, typer.Option("--date", help="Ngày quyết định YYYY-MM-DD")],
    year: Annotated[int, typer.Option("--year", help="Năm được công nhận")],
    body: Annotated[str, typer.Option("--body", help="Cơ quan ra quyết định")] = "",
) -> None:
    """Ghi một quyết định công nhận Cộng đồng học tập."""
    from cdht.conversations.parsing.clean_text import clean_line
    from cdht.handlers.officer.recognitions import describe, record
    from cdht.handlers.ports import RecognitionRecord

    day = parse_day(decided_on)

    async def work(application: App) -> str:
        await application.database.upgrade()
        async with application.uow() as uow:
            target = await uow.units.by_code(unit)
            if target is None or target.tier == "village":
                raise fail(f"Không có đơn vị {unit} (xã, huyện hoặc tỉnh).")
            decision = RecognitionRecord(
                target.id, year, level, clean_line(number).strip(), day, clean_line(body).strip()
            )
            await record(uow, None, target, decision, now())
            await uow.commit()
            return describe(target, decision, application.settings.recognition_validity)

    typer.echo(run_with_app(work))
