"""Admin commands of the `cdht` CLI: export, broadcast, remind, recognize, audit."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from cdht.bot.composition import App, open_app
from cdht.bot.console.channel import LocalFileFetcher
from cdht.cli.progress_bar import progress_bar
from cdht.handlers.admin.phones import normalise_phone
from cdht.handlers.exports.jobs import safe_name
from cdht.handlers.exports.renderings import JobInputError, Rendered, render_job
from cdht.handlers.officer import broadcast, reminders
from cdht.handlers.officer.audit_view import audit_lines
from cdht.handlers.officer.recognitions import describe, record
from cdht.handlers.ports import JobRecord, RecognitionRecord, YearRecord
from cdht.reports.xlsx.audit import audit_workbook

T = TypeVar("T")
FORMATS = {"xlsx": ["xlsx"], "docx": ["totrinh", "baocao"], "zip": ["zip"], "annual": ["nam"]}


def _now() -> datetime:
    return datetime.now(UTC)


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export_command(
        unit: Annotated[str, typer.Argument(help="Mã đơn vị")],
        year: Annotated[int, typer.Option("--year")],
        format: Annotated[str, typer.Option("--format", help="xlsx | docx | zip | annual")] = "xlsx",
        out: Annotated[Path, typer.Option("--out", help="Thư mục ghi tệp")] = Path("exports"),
    ) -> None:
        """Tạo hồ sơ: bảng tổng hợp (xlsx), tờ trình + báo cáo tự đánh giá (docx), minh chứng (zip), báo cáo năm."""
        if format not in FORMATS:
            raise _fail(f"Định dạng '{format}' không có; dùng: {', '.join(FORMATS)}.")

        async def work(application: App) -> list[Path]:
            await application.database.upgrade()
            services = application.services(LocalFileFetcher())
            written: list[Path] = []
            for fmt in FORMATS[format]:
                job = JobRecord("export", {"unit": unit, "year": year, "format": fmt}, "running", _now())
                async with application.uow() as uow:
                    rendered = await render_job(uow, job, services, _now())
                written += await asyncio.to_thread(_write, rendered, out)
            return written

        try:
            for path in run_with_app(work):
                typer.echo(str(path))
        except JobInputError as error:
            raise _fail(
                f"Không tạo được hồ sơ cho {unit}: đơn vị hoặc định dạng không phù hợp ({error})."
            ) from error

    @app.command("broadcast")
    def broadcast_command(
        text: Annotated[str, typer.Option("--text", help="Nội dung thông báo")],
        sender: Annotated[str, typer.Option("--from", help="Số điện thoại của quản trị gửi")],
        role: Annotated[
            str, typer.Option(help="all | village_head | commune_officer | district_admin")
        ] = "all",
        unit: Annotated[str | None, typer.Option(help="Mã đơn vị (mặc định: đơn vị của người gửi)")] = None,
        unfinished: Annotated[bool, typer.Option(help="Chỉ người chưa trả lời xong")] = False,
        yes: Annotated[bool, typer.Option("--yes", help="Gửi luôn, không hỏi lại")] = False,
    ) -> None:
        """Gửi thông báo qua hàng đợi gửi tin (bot đang chạy sẽ gửi theo giới hạn tốc độ)."""

        async def work(application: App) -> str:
            await application.database.upgrade()
            year = application.services(LocalFileFetcher()).year
            async with application.uow() as uow:
                phone = normalise_phone(sender)
                author = await uow.people.by_phone(phone) if phone else None
                if author is None or author.role not in ("district_admin", "province_admin"):
                    raise _fail("Người gửi phải là quản trị cấp huyện hoặc tỉnh trong danh sách.")
                flow = {"text": text, "role": role, "unit": unit, "unfinished": unfinished}
                count = await broadcast.count_recipients(uow, author, flow, year)
                if not yes and not typer.confirm(f"Gửi tới {count} người?"):
                    return "Đã hủy."
                reply = await broadcast.send(uow, author, flow, _now(), year)
                await uow.commit()
            with progress_bar("Xếp tin vào hàng đợi", total=count) as advance:
                await broadcast.fan_out(
                    application.uow, _now, year, on_page=lambda _: advance(broadcast.PAGE)
                )
            return reply.text

        typer.echo(run_with_app(work))

    @app.command("remind")
    def remind_command(
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ xem ai sẽ được nhắc")] = False,
    ) -> None:
        """Nhắc những người còn câu chưa trả lời (ngoài giờ nghỉ 21:00–07:00)."""

        async def work(application: App) -> reminders.ReminderRun:
            await application.database.upgrade()
            year = application.services(LocalFileFetcher()).year
            return await reminders.tick(
                application.uow, _now(), year, application.reminder_policy(), dry_run=dry_run
            )

        run = run_with_app(work)
        if run.quiet:
            typer.echo("Đang trong giờ nghỉ (21:00–07:00): không gửi nhắc việc.")
            return
        for item in run.planned:
            note = "" if item.reachable else " [chưa đăng ký bot: không gửi được]"
            typer.echo(f"{item.unit.code} · {item.person.name} ({item.person.phone}){note}\n    {item.text}")
        typer.echo(
            f"{len(run.planned)} người cần nhắc"
            + ("" if dry_run else f"; đã xếp {run.queued} tin vào hàng đợi.")
        )

    @app.command("recognize")
    def recognize_command(
        unit: Annotated[str, typer.Argument(help="Mã đơn vị được công nhận")],
        level: Annotated[int, typer.Option(min=1, max=2)],
        number: Annotated[str, typer.Option("--number", help="Số quyết định")],
        decided_on: Annotated[str, typer.Option("--date", help="Ngày quyết định YYYY-MM-DD")],
        year: Annotated[int, typer.Option("--year", help="Năm được công nhận")],
        body: Annotated[str, typer.Option("--body", help="Cơ quan ra quyết định")] = "",
    ) -> None:
        """Ghi một quyết định công nhận Cộng đồng học tập."""
        try:
            day = date.fromisoformat(decided_on)
        except ValueError as error:
            raise _fail("Ngày phải có dạng YYYY-MM-DD.") from error

        async def work(application: App) -> str:
            await application.database.upgrade()
            async with application.uow() as uow:
                target = await uow.units.by_code(unit)
                if target is None or target.tier == "village":
                    raise _fail(f"Không có đơn vị {unit} (xã, huyện hoặc tỉnh).")
                decision = RecognitionRecord(target.id, year, level, number, day, body)
                await record(uow, None, target, decision, _now())
                await uow.commit()
                return describe(target, decision)

        typer.echo(run_with_app(work))

    @app.command("deadline")
    def deadline_command(
        unit: Annotated[
            str, typer.Argument(help="Mã đơn vị (áp dụng cho đơn vị này và các đơn vị trực thuộc)")
        ],
        year: Annotated[int, typer.Option("--year")],
        until: Annotated[str, typer.Option("--date", help="Hạn nộp số liệu YYYY-MM-DD")],
    ) -> None:
        """Đặt hạn nộp số liệu của một năm cho một đơn vị và mọi đơn vị trực thuộc (tiến độ và nhắc việc dùng hạn này)."""
        try:
            day = date.fromisoformat(until)
        except ValueError as error:
            raise _fail("Ngày phải có dạng YYYY-MM-DD.") from error

        async def work(application: App) -> int:
            await application.database.upgrade()
            async with application.uow() as uow:
                target = await uow.units.by_code(unit)
                if target is None:
                    raise _fail(f"Không có đơn vị {unit}.")
                units = await uow.units.subtree(target.id)
                reviews = await uow.years.for_units([u.id for u in units], year)
                for member in units:
                    current = reviews.get(member.id) or YearRecord(member.id, year, "open")
                    await uow.years.save(dataclasses.replace(current, deadline=day), _now())
                await uow.commit()
                return len(units)

        typer.echo(f"Đã đặt hạn {day:%d/%m/%Y} cho {run_with_app(work)} đơn vị.")

    @app.command("audit")
    def audit_command(
        unit: Annotated[str, typer.Argument(help="Mã đơn vị")],
        year: Annotated[int, typer.Option("--year")],
        out: Annotated[Path | None, typer.Option("--out", help="Ghi ra tệp XLSX")] = None,
    ) -> None:
        """Xem hoặc xuất nhật ký thay đổi số liệu của một đơn vị và các đơn vị trực thuộc."""

        async def work(application: App) -> str:
            async with application.uow() as uow:
                target = await uow.units.by_code(unit)
                if target is None:
                    raise _fail(f"Không có đơn vị {unit}.")
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


def run_with_app(work: Callable[[App], Awaitable[T]]) -> T:
    """Open the app from settings, run one async use case, close everything."""

    async def main() -> T:
        async with open_app() as application:
            return await work(application)

    return asyncio.run(main())


def _write(rendered: Rendered, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in rendered.files():
        path = folder / safe_name(name)
        path.write_bytes(content)
        paths.append(path)
    return paths
