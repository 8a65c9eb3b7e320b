"""`cdht prune`: drop personal data kept longer than needed (Nghị định 13/2023/NĐ-CP): the raw content of
handled updates, of sent messages and exported files older than the retention period. The running bot does
the same once a day; this command is for a first clean-up, a shorter period, or a bot that is not running."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import fail, now, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App
    from cdht.handlers.admin.retention import PruneRun


def register(app: typer.Typer) -> None:
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
        exports = application.settings.data_dir / "exports"
        moment = now()
        found = await retention.prunable(application.uow, moment, keep, exports_dir=exports)
        if dry_run:
            return keep, found
        with progress_bar("Đang xóa dữ liệu cũ", total=found.inbox + found.outbox) as advance:
            run = await retention.prune(application.uow, moment, keep, exports_dir=exports, on_chunk=advance)
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
