"""`cdht import-roster` and `cdht import-answers`: load a CSV/XLSX file in one transaction, all or nothing;
`cdht units import`: a province and its communes from the official list (`vietnam-provinces`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import fail, now, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App
    from cdht.handlers.admin.import_audit import ImportSource


def register(app: typer.Typer) -> None:
    app.command("import-roster")(import_roster_command)
    app.command("import-answers")(import_answers_command)


def register_units(app: typer.Typer) -> None:
    units = typer.Typer(help="Đơn vị hành chính chính thức (sau 01/07/2025: tỉnh và xã, phường, đặc khu).")
    units.command("import")(import_units_command)
    app.add_typer(units, name="units")


def import_roster_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    replace: Annotated[
        str | None,
        typer.Option(
            "--replace",
            metavar="UNIT",
            help="Tệp là danh sách mới của đơn vị này và các đơn vị cấp dưới: ai vắng trong tệp sẽ bị khoá",
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Với --replace: xác nhận nhập và khoá")] = False,
) -> None:
    """Nhập danh sách đơn vị và cán bộ từ tệp CSV/XLSX (tất cả hoặc không gì cả)."""
    from cdht.handlers.admin.roster import RosterError, import_roster
    from cdht.handlers.admin.roster_replace import replace_subtree
    from cdht.handlers.admin.spreadsheet import SpreadsheetError

    if yes and replace is None:
        raise fail("--yes chỉ dùng cùng --replace MÃ_ĐƠN_VỊ.")
    source = _source(file)

    async def work(application: App) -> str:
        await application.database.upgrade()
        moment = now()
        year = application.settings.year_for(moment.date())
        async with application.uow() as uow:
            if replace is not None:
                replaced = await replace_subtree(
                    file, uow, replace, moment, apply=yes, year=year, source=source
                )
                return replaced.summary(file.name)
            report = await import_roster(file, uow, moment, source=source, year=year)
        return report.summary()

    try:
        typer.echo(run_with_app(work))
    except (RosterError, SpreadsheetError) as error:
        raise fail(_refusal(file, error)) from error


def import_answers_command(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Nhập câu trả lời từ tệp CSV/XLSX (unit_code, year, item, value, evidence)."""
    from cdht.handlers.admin.answers_import import AnswersImportError, import_answers
    from cdht.handlers.admin.spreadsheet import SpreadsheetError

    source = _source(file)

    async def work(application: App) -> str:
        await application.database.upgrade()
        async with application.uow() as uow:
            report = await import_answers(file, uow, application.files, now(), source=source)
        return report.summary()

    try:
        typer.echo(run_with_app(work))
    except (AnswersImportError, SpreadsheetError) as error:
        raise fail(_refusal(file, error)) from error


def _source(file: Path) -> ImportSource:
    """The file's name and sha256 (read before the transaction), and who runs the command: the audit log's
    «admin@may-chu» (the operating-system user and host; the command line has no person of the roster)."""
    import getpass
    import socket

    from cdht.handlers.admin.import_audit import ImportSource, file_sha256

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        user = "?"
    try:
        digest = file_sha256(file)
    except OSError as error:
        raise fail(f"Không đọc được tệp {file.name}: {error.strerror or error}.") from error
    return ImportSource(file.name, digest, actor_name=f"{user}@{socket.gethostname()}"[:128])


def _refusal(file: Path, error: Exception) -> str:
    return f"Không nhập tệp {file.name}; cơ sở dữ liệu không thay đổi.\n{error}"


def import_units_command(
    province: Annotated[
        str,
        typer.Option(
            "--province", help="Tên tỉnh, thành phố (có hoặc không dấu) hoặc mã, ví dụ «Lạng Sơn» hoặc 20"
        ),
    ],
) -> None:
    """Thêm tỉnh và các xã, phường, đặc khu của tỉnh với mã và tên chính thức; chạy lại không đổi gì."""
    from cdht.cli.progress_bar import progress_bar
    from cdht.handlers.admin.official_units import (
        OfficialUnitsConflict,
        UnknownProvince,
        import_official_units,
        packaged_catalogue,
    )

    catalogue = packaged_catalogue()  # vietnam_provinces: only once this command runs
    try:
        wanted = catalogue.find(province)
    except UnknownProvince as error:
        raise fail(str(error)) from error

    async def work(application: App) -> str:
        await application.database.upgrade()
        moment = now()
        year = application.settings.year_for(moment.date())
        with progress_bar(f"Đang nhập {wanted.name}", total=len(wanted.communes) + 1) as advance:
            async with application.uow() as uow:
                report = await import_official_units(
                    uow, wanted, moment, source=catalogue.source, year=year, advance=advance
                )
        return report.summary()

    try:
        typer.echo(run_with_app(work))
    except OfficialUnitsConflict as error:
        raise fail(f"Không nhập {wanted.name}; cơ sở dữ liệu không thay đổi.\n{error}") from error
