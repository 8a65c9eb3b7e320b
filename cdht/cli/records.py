"""`cdht audit` and `cdht prune`: the records kept — the audit log as people read it, and pruning the personal
data that is no longer needed (Nghị định 13/2023/NĐ-CP)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import fail, now, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App
    from cdht.handlers.admin.retention import PruneRun


def register(app: typer.Typer) -> None:
    app.command("audit")(audit_command)


def audit_command(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị")],
    year: Annotated[int, typer.Option("--year")],
    out: Annotated[Path | None, typer.Option("--out", help="Ghi ra tệp XLSX")] = None,
) -> None:
    """Xem hoặc xuất nhật ký thay đổi số liệu của một đơn vị và các đơn vị trực thuộc."""
    from cdht.handlers.officer.audit_view import audit_groups, audit_lines, change_text
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
        shown: list[str] = []
        for group in audit_groups(rows):  # an import: its summary, then each change with the file and who
            r = group.first
            if not group.imported:
                shown.append(
                    f"{r.when:%d/%m/%Y %H:%M} · {r.unit} · {r.who} · {r.action} · {r.question} · {r.old} → {r.new} · {r.reason}"
                )
                continue
            head = f"{r.when:%d/%m/%Y %H:%M} · {group.heading()}"
            shown.append(f"{head}: {group.counts()}")
            shown += [f"{head}: {change_text(line)}" for line in group.changes]
        return "\n".join(shown) or "Chưa có thay đổi nào."

    typer.echo(run_with_app(work))


def register_prune(app: typer.Typer) -> None:
    app.command("prune")(prune_command)


def prune_command(
    days: Annotated[
        str | None,  # parsed here, so that a bad value gets a Vietnamese message
        typer.Option("--days", help="Giữ dữ liệu trong bấy nhiêu ngày (mặc định: CDHT_RETENTION_DAYS)"),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ đếm, không xóa")] = False,
) -> None:
    """Xóa nội dung tin nhắn đến đã xử lý, tin nhắn đã gửi và tệp xuất cũ hơn thời hạn lưu giữ."""
    from cdht.cli.progress_bar import progress_bar
    from cdht.handlers.admin import retention

    period = _days(days)

    async def work(application: App) -> tuple[int, PruneRun]:
        await application.database.upgrade()
        keep = period or application.settings.retention_days
        moment = now()
        found = await retention.prunable(application.uow, moment, keep, files=application.files)
        if dry_run:
            return keep, found
        with progress_bar("Đang xóa dữ liệu cũ", total=found.inbox + found.outbox) as advance:
            run = await retention.prune(
                application.uow, moment, keep, files=application.files, on_chunk=advance
            )
        return keep, run

    keep, run = run_with_app(work)
    verb = "Sẽ xóa" if dry_run else "Đã xóa"
    typer.echo(
        f"{verb} nội dung của {run.inbox} tin nhắn đến đã xử lý, {run.outbox} tin nhắn đã gửi "
        f"và {run.exports} tệp xuất cũ hơn {keep} ngày."
    )


def _days(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        days = int(text.strip())
    except ValueError:
        days = 0
    if days < 1:
        raise fail("Số ngày lưu giữ phải là một số nguyên từ 1 trở lên, ví dụ --days 30.")
    return days
