"""`cdht export`: a unit's dossier for a year written to a folder (workbook, letters, evidence, annual report)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import fail, now, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App
    from cdht.handlers.exports.renderings import Rendered

FORMATS = {
    "xlsx": ["xlsx"],
    "docx": ["totrinh", "baocao"],
    "zip": ["zip"],
    "annual": ["nam"],
    "data": ["data"],  # every answer as a table, streamed straight into the folder (`_write_data`)
}


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)


def export_command(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị")],
    year: Annotated[int, typer.Option("--year")],
    format: Annotated[str, typer.Option("--format", help="xlsx | docx | zip | annual | data")] = "xlsx",
    out: Annotated[Path, typer.Option("--out", help="Thư mục ghi tệp")] = Path("exports"),
) -> None:
    """Tạo hồ sơ: bảng tổng hợp (xlsx), tờ trình + báo cáo tự đánh giá (docx), minh chứng (zip), báo cáo năm,
    toàn bộ câu trả lời của các đơn vị (data: XLSX + CSV)."""
    from cdht.bot.console.channel import LocalFileFetcher
    from cdht.handlers.exports.renderings import JobInputError, render_job
    from cdht.handlers.facts_loader import UnitTreeError
    from cdht.handlers.ports import JobRecord

    if format not in FORMATS:
        raise fail(f"Định dạng '{format}' không có; dùng: {', '.join(FORMATS)}.")

    async def work(application: App) -> list[Path]:
        await application.database.upgrade()
        if format == "data":
            return await _write_data(application, unit, year, out)
        services = application.services(LocalFileFetcher())
        written: list[Path] = []
        for fmt in FORMATS[format]:
            job = JobRecord("export", {"unit": unit, "year": year, "format": fmt}, "running", now())
            async with application.uow() as uow:
                rendered = await render_job(uow, job, services, now())
            written += await asyncio.to_thread(_write, rendered, out)
        return written

    try:
        for path in run_with_app(work):
            typer.echo(str(path))
    except JobInputError as error:
        raise fail(
            f"Không tạo được hồ sơ cho {unit}: đơn vị hoặc định dạng không phù hợp ({error})."
        ) from error
    except UnitTreeError as error:
        raise fail(f"Không tạo được hồ sơ cho {unit}. {error}") from error


async def _write_data(application: App, code: str, year: int, folder: Path) -> list[Path]:
    """Every current answer of the unit's subtree, read in batches and written straight into the two files
    as it comes (memory stays flat), with a progress bar."""
    from zoneinfo import ZoneInfo

    from cdht.cli.progress_bar import progress_bar
    from cdht.handlers.exports.data import plan_answer_table, write_answer_table
    from cdht.handlers.exports.renderings import EXPORT_TIERS, JobInputError

    async with application.uow() as uow:
        unit = await uow.units.by_code(code)
        if unit is None or unit.tier not in EXPORT_TIERS["data"]:
            raise JobInputError(
                f"unknown unit {code}" if unit is None else f"data is not made for a {unit.tier}"
            )
        plan = await plan_answer_table(uow, unit, year)
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        paths = [folder / f"{plan.stem}.xlsx", folder / f"{plan.stem}.csv"]
        settings = application.settings
        with (
            progress_bar("Đang ghi các câu trả lời", total=plan.total) as advance,
            paths[0].open("wb") as book,
            paths[1].open("wb") as table,
        ):
            await write_answer_table(
                uow,
                plan,
                book,
                table,
                timezone=settings.timezone,
                created=now().astimezone(ZoneInfo(settings.timezone)).date(),
                advance=advance,
            )
    return paths


def _write(rendered: Rendered, folder: Path) -> list[Path]:
    from cdht.handlers.exports.jobs import safe_name

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in rendered.files():
        path = folder / safe_name(name)
        path.write_bytes(content)
        paths.append(path)
    return paths
