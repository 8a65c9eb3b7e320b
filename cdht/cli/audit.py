"""`cdht audit`: the log of changes to a unit's figures (and its units'), on screen or as a workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import fail, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App


def register(app: typer.Typer) -> None:
    app.command("audit")(audit_command)


def audit_command(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị")],
    year: Annotated[int, typer.Option("--year")],
    out: Annotated[Path | None, typer.Option("--out", help="Ghi ra tệp XLSX")] = None,
) -> None:
    """Xem hoặc xuất nhật ký thay đổi số liệu của một đơn vị và các đơn vị trực thuộc."""
    from cdht.handlers.officer.audit_view import audit_lines
    from cdht.reports.xlsx.audit import audit_workbook

    async def work(application: App) -> str:
        async with application.uow() as uow:
            target = await uow.units.by_code(unit)
            if target is None:
                raise fail(f"Không có đơn vị {unit}.")
            rows = await audit_lines(uow, target, year)
        if out is not None:
            out.write_bytes(audit_workbook(target.name, year, rows))
            return f"Đã ghi {len(rows)} mục vào {out}"
        return (
            "\n".join(
                f"{r.when:%d/%m/%Y %H:%M} · {r.unit} · {r.who} · {r.action} · {r.question} · {r.old} → {r.new} · {r.reason}"
                for r in rows
            )
            or "Chưa có thay đổi nào."
        )

    typer.echo(run_with_app(work))
