"""`cdht people deactivate PHONE` and `cdht people reactivate PHONE`: end someone's access at once (their chat
accounts are unlinked and told; their answers stay theirs; their phone may be given to someone else), or give
it back (they register again). Audited, with the reason given."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

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
