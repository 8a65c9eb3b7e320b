"""`cdht invite PHONE`: a one-time invite code for a person of the roster, the way to register on Zalo
(which cannot share a phone contact) and an alternative on Telegram. The person sends `/start CODE`, or just
the code, to the bot. From the command line an admin may make a code for anyone of the roster (in chat,
`/moi` is narrower); the code records no issuer person, expires (`CDHT_INVITE_TTL_HOURS`, 72 hours by
default) and is audited."""

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
    hours: Annotated[
        float | None,
        typer.Option(
            "--hours",
            min=0.1,
            max=24 * 365,
            help="Số giờ mã còn hiệu lực (mặc định: 72, hoặc CDHT_INVITE_TTL_HOURS)",
        ),
    ] = None,
    days: Annotated[
        int | None, typer.Option("--days", min=1, max=365, help="Số ngày mã còn hiệu lực (thay cho --hours)")
    ] = None,
) -> None:
    """Tạo mã mời dùng một lần để một người trong danh sách đăng ký với bot (Zalo: gửi /start MÃ)."""
    from cdht.handlers.admin.invites import create_invite, local_time
    from cdht.handlers.admin.phones import normalise_phone

    if hours is not None and days is not None:
        raise fail("Xin chỉ dùng một trong hai tùy chọn --hours và --days.")

    async def work(application: App) -> tuple[str, str, str] | None:
        await application.database.upgrade()
        settings = application.settings
        normalised = normalise_phone(phone)
        moment = now()
        valid_hours = (
            hours if hours is not None else days * 24 if days is not None else settings.invite_ttl_hours
        )
        async with application.uow() as uow:
            person = await uow.people.by_phone(normalised) if normalised else None
            if person is None or not person.active:
                return None
            code, expires = await create_invite(
                uow,
                person,
                moment,
                hours=valid_hours,
                timezone=settings.timezone,
                year=settings.year_for(moment.astimezone(ZoneInfo(settings.timezone)).date()),
            )
            await uow.commit()
        return person.name, code, local_time(expires, settings.timezone)

    made = run_with_app(work)
    if made is None:
        raise fail(f"Không có người nào đang hoạt động với số {phone} trong danh sách.")
    name, code, until = made
    typer.echo(f"Mã mời cho {name}: {code} (dùng một lần, hết hạn lúc {until}).")
    typer.echo(f"Trên Zalo hoặc Telegram, gửi cho bot: /start {code}")
    typer.echo(
        "Nếu người đó đang dùng một tài khoản khác trên cùng ứng dụng, tài khoản cũ sẽ được báo và thôi liên kết."
    )
