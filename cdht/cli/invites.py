"""`cdht invite PHONE`: a one-time invite code for a person of the roster, the way to register on Zalo
(which cannot share a phone contact) and an alternative on Telegram. The person sends `/start CODE`, or just
the code, to the bot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from cdht.cli.common import fail, now, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App


def register(app: typer.Typer) -> None:
    app.command("invite")(invite_command)


def invite_command(
    phone: Annotated[str, typer.Argument(help="Số điện thoại của người trong danh sách")],
    days: Annotated[int, typer.Option("--days", min=1, max=365, help="Số ngày mã còn hiệu lực")] = 14,
) -> None:
    """Tạo mã mời dùng một lần để một người trong danh sách đăng ký với bot (Zalo: gửi /start MÃ)."""
    from cdht.handlers.admin.invites import create_invite
    from cdht.handlers.admin.phones import normalise_phone

    async def work(application: App) -> tuple[str, str, str] | None:
        await application.database.upgrade()
        normalised = normalise_phone(phone)
        async with application.uow() as uow:
            person = await uow.people.by_phone(normalised) if normalised else None
            if person is None or not person.active:
                return None
            code, expires = await create_invite(uow, person, now(), days)
            await uow.commit()
        until = expires.astimezone(ZoneInfo(application.settings.timezone)).strftime("%d/%m/%Y")
        return person.name, code, until

    made = run_with_app(work)
    if made is None:
        raise fail(f"Không có người nào đang hoạt động với số {phone} trong danh sách.")
    name, code, until = made
    typer.echo(f"Mã mời cho {name}: {code} (dùng một lần, hết hạn ngày {until}).")
    typer.echo(f"Trên Zalo hoặc Telegram, gửi cho bot: /start {code}")
