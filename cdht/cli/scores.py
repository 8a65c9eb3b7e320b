"""`cdht score`: a unit's level under TT 25/2023 for one year, as text or as JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import fail, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App


def register(app: typer.Typer) -> None:
    app.command("score")(score_command)


def score_command(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị")],
    year: Annotated[int, typer.Option("--year", help="Năm đánh giá")],
    as_json: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON (cấu trúc cố định)")] = False,
) -> None:
    """Chấm điểm một đơn vị theo TT 25/2023 cho một năm."""
    from cdht.handlers.facts_loader import UnitTreeError
    from cdht.handlers.scores import UnknownUnitError, score_unit
    from cdht.scoring.report import assessment_to_json, format_assessment

    async def work(application: App) -> str:
        await application.database.upgrade()
        async with application.uow() as uow:
            assessment = await score_unit(uow, unit, year, application.settings.recognition_validity)
        if as_json:
            return json.dumps(assessment_to_json(assessment), ensure_ascii=False, indent=2)
        return format_assessment(assessment)

    try:
        typer.echo(run_with_app(work))
    except (UnknownUnitError, UnitTreeError) as error:
        raise fail(str(error)) from error
