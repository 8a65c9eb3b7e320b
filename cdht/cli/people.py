"""`cdht invite` and `cdht people`: one-time invite codes, and deactivating or reactivating a person."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from cdht.cli.common import fail, now, run_with_app

if TYPE_CHECKING:
    from cdht.bot.composition import App
    from cdht.handlers.admin.lifecycle import LifecycleRefused

people_app = typer.Typer(help="Người trong danh sách: khoá và mở khoá quyền dùng bot.")

Phone = Annotated[str, typer.Argument(help="Số điện thoại của người trong danh sách")]


def register(app: typer.Typer) -> None:
    app.add_typer(people_app, name="people")


@people_app.command("deactivate")
def deactivate_command(
    phone: Phone,
    reason: Annotated[str, typer.Option("--reason", help="Lý do (ghi vào nhật ký)")],
) -> None:
    """Khoá quyền dùng bot của một người: tài khoản chat thôi liên kết ngay, người đó nhận tin báo;
    câu trả lời vẫn giữ; số điện thoại có thể giao cho người khác."""
    typer.echo(_run(phone, reason, deactivating=True))


@people_app.command("reactivate")
def reactivate_command(
    phone: Phone,
    reason: Annotated[str, typer.Option("--reason", help="Lý do (ghi vào nhật ký)")] = "",
) -> None:
    """Mở khoá cho một người đã bị khoá: người đó đăng ký lại bằng số điện thoại của mình hoặc mã mời."""
    typer.echo(_run(phone, reason, deactivating=False))


def _run(phone: str, reason: str, *, deactivating: bool) -> str:
    from cdht.handlers.admin import lifecycle
    from cdht.handlers.admin.phones import normalise_phone

    normalised = normalise_phone(phone)
    if normalised is None:
        raise fail(f"Số điện thoại '{phone}' không hợp lệ.")
    if deactivating and not reason.strip():
        raise fail('Xin ghi lý do khoá (--reason "…"): lý do được ghi vào nhật ký.')

    async def work(application: App) -> str:
        await application.database.upgrade()
        moment = now()
        year = application.settings.year_for(moment.date())
        async with application.uow() as uow:
            person = await uow.people.by_phone(normalised)
            if person is None:
                raise fail(f"Không có ai với số {normalised} trong danh sách.")
            who = await lifecycle.describe(uow, person)
            if not deactivating and person.active:  # the phone's active holder: maybe not whom they meant
                raise fail(
                    f"Số {normalised} đang thuộc về {who}, người đang dùng được bot; không có gì thay đổi. "
                    "Muốn trả số cho người đã bị khoá, hãy khoá người đang giữ số trước."
                )
            try:
                if deactivating:
                    unlinked = await lifecycle.deactivate(
                        uow, person, moment, actor=None, reason=reason, year=year
                    )
                else:
                    await lifecycle.reactivate(uow, person, moment, actor=None, reason=reason, year=year)
            except lifecycle.LifecycleRefused as refused:
                raise fail(_refusal(who, refused, deactivating)) from refused
            await uow.commit()
        if not deactivating:
            return f"Đã mở khoá cho {who}. Người này đăng ký lại bằng số điện thoại của mình hoặc mã mời (cdht invite)."
        told = (
            f"{unlinked} tài khoản chat đã thôi liên kết; tin báo được gửi khi bot chạy (cdht run)."
            if unlinked
            else "Người này chưa liên kết tài khoản chat nào."
        )
        return f"Đã khoá quyền dùng bot của {who}. {told}"

    return run_with_app(work)


def _refusal(who: str, refused: LifecycleRefused, deactivating: bool) -> str:
    holder = refused.holder
    if holder is not None:
        return (
            f"Không mở khoá được {who}: số này đang thuộc về {holder.name}, người đang dùng bot. "
            f"Muốn trả số cho người cũ, hãy khoá {holder.name} trước."
        )
    if deactivating:
        return f"{who} đã bị khoá từ trước; không có gì thay đổi."
    return f"{who} đang dùng được bot; không có gì thay đổi."


def register_invite(app: typer.Typer) -> None:
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
