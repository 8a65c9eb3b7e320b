"""`cdht broadcast`: an announcement from an administrator, queued for the running bot to send."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cdht.cli.common import fail, now, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App


def register(app: typer.Typer) -> None:
    app.command("broadcast")(broadcast_command)


def broadcast_command(
    text: Annotated[str, typer.Option("--text", help="Nội dung thông báo")],
    sender: Annotated[str, typer.Option("--from", help="Số điện thoại của quản trị gửi")],
    role: Annotated[str, typer.Option(help="all | village_head | commune_officer | district_admin")] = "all",
    unit: Annotated[str | None, typer.Option(help="Mã đơn vị (mặc định: đơn vị của người gửi)")] = None,
    unfinished: Annotated[bool, typer.Option(help="Chỉ người chưa trả lời xong")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Gửi luôn, không hỏi lại")] = False,
) -> None:
    """Gửi thông báo qua hàng đợi gửi tin (bot đang chạy sẽ gửi theo giới hạn tốc độ)."""
    from cdht.bot.console.channel import LocalFileFetcher
    from cdht.cli.progress_bar import progress_bar
    from cdht.conversations.parsing.clean_text import clean_text
    from cdht.handlers.admin.phones import normalise_phone
    from cdht.handlers.officer import broadcast

    async def work(application: App) -> str:
        await application.database.upgrade()
        year = application.services(LocalFileFetcher()).year
        async with application.uow() as uow:
            phone = normalise_phone(sender)
            author = await uow.people.by_phone(phone) if phone else None
            if author is None or author.role not in ("district_admin", "province_admin"):
                raise fail("Người gửi phải là quản trị cấp huyện hoặc tỉnh trong danh sách.")
            flow = {"text": clean_text(text).strip(), "role": role, "unit": unit, "unfinished": unfinished}
            count = await broadcast.count_recipients(uow, author, flow, year)
            if not yes and not typer.confirm(f"Gửi tới {count} người?"):
                return "Đã hủy."
            reply = await broadcast.send(uow, author, flow, now(), year)
            await uow.commit()
        with progress_bar("Xếp tin vào hàng đợi", total=count) as advance:
            await broadcast.fan_out(application.uow, now, year, on_page=lambda _: advance(broadcast.PAGE))
        return reply.text

    typer.echo(run_with_app(work))
