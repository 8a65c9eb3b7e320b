"""The menu commands after their role check: progress, review, exports, broadcasts, decisions, difficulties."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from cdht.conversations.inbound import Command
from cdht.conversations.outbound import Button, OpenApp, OutboundMessage
from cdht.handlers.admin import lifecycle_chat
from cdht.handlers.admin.invites import invite_in_chat
from cdht.handlers.command_table import NOT_IN_SCOPE, commands_for
from cdht.handlers.context import Services
from cdht.handlers.exports.jobs import EXPORT_FORMATS, REPORTS_PROGRESS, queue_job
from cdht.handlers.exports.renderings import progress_key
from cdht.handlers.facts_loader import UnitTreeError
from cdht.handlers.flows import BroadcastFlow, RecognitionFlow, current_flow, set_flow
from cdht.handlers.officer import broadcast, progress_report, review
from cdht.handlers.officer.audit_view import audit_text
from cdht.handlers.officer.recognitions import FORMAT_HELP
from cdht.handlers.ports import PersonRecord, UnitOfWork, UnitRecord
from cdht.handlers.procedure import chat as procedure_chat
from cdht.handlers.procedure import council_chat
from cdht.handlers.procedure.stages import stage_report
from cdht.handlers.respondent import difficulties
from cdht.handlers.respondent.answering import answer
from cdht.handlers.scope import unit_in_scope

ANSWERING_HELP = (
    "Cách trả lời: gõ câu trả lời hoặc bấm nút; số viết kiểu Việt Nam (1.250 hoặc 12,5). "
    "«quay lại», «bỏ qua», «để sau», «xem lại», «sửa 3»; với câu cần minh chứng: gửi ảnh/tệp rồi gõ «xong»."
)


def help_message(person: PersonRecord) -> OutboundMessage:
    lines = [ANSWERING_HELP, "", "Các lệnh của anh/chị:"]
    lines += [f"/{spec.name} — {spec.description}" for spec in commands_for(person.role)]
    return OutboundMessage(text="\n".join(lines))


async def run_command(
    uow: UnitOfWork,
    person: PersonRecord,
    command: Command,
    now: datetime,
    services: Services,
    *,
    channel: str,
) -> list[OutboundMessage]:
    name, arg = command.name, (command.arg or "").strip() or None
    year = services.year
    if name == "help":
        return [help_message(person)]
    if name == "huy":
        await set_flow(uow, person, None, now)
        return [OutboundMessage(text="Đã hủy thao tác. Gõ /start để tiếp tục trả lời.")]
    if name == "xemlai":
        return await answer(uow, person, Command("summary"), now, services, channel=channel)
    if name == "thongbao":
        return [await broadcast.start(uow, person, now)]
    if name == "tb":
        if arg and arg.startswith("cancel:") and arg[7:].isdigit():
            return [await broadcast.cancel(uow, person, int(arg[7:]), now)]
        flow = await current_flow(uow, person)
        if not isinstance(flow, BroadcastFlow):
            return [OutboundMessage(text="Thông báo này đã gửi hoặc đã hủy. Gõ /thongbao để soạn mới.")]
        return [await broadcast.step(uow, person, flow, command, now, services)]
    if name == "congnhan":
        await set_flow(uow, person, RecognitionFlow(), now)
        return [OutboundMessage(text=f"🏅 Ghi quyết định công nhận.\n{FORMAT_HELP}")]
    if name == "moi":
        return [
            await invite_in_chat(
                uow, person, arg or "", now, services.timezone, hours=services.invite_hours, year=year
            )
        ]
    if name in lifecycle_chat.COMMANDS:
        return [await lifecycle_chat.run(uow, person, name, arg or "", now, year)]
    if name == "vuongmac":
        return [await difficulties.open_menu(uow, person, now)]
    if name == "vm_traloi":
        return [await difficulties.start_reply(uow, person, arg or "", now)]
    if name == "xuat":
        return [await _export(uow, person, command, now, services, channel)]
    if name in council_chat.COMMANDS:
        return await council_chat.run(uow, person, name, arg, now, services, channel)
    if name in procedure_chat.COMMANDS:
        return [await procedure_chat.run(uow, person, name, arg, now, services)]
    unit = await unit_in_scope(uow, person, arg)
    if unit is None:
        return [NOT_IN_SCOPE]
    if name == "tiendo":
        today = services.local_date(now)
        if unit.tier == "village":
            return [NOT_IN_SCOPE]
        params = {"unit": unit.code, "year": year}
        if unit.tier == "commune":  # twenty villages: answered at once
            try:
                message = await services.long_read(
                    uow,
                    lambda reader: progress_report.commune_progress(
                        reader, unit, year, today, services.recognition_validity, miniapp=services.miniapp
                    ),
                )
            except UnitTreeError as broken:  # stored data loops: say so, and draw no chart of it
                return [OutboundMessage(text=f"⚠️ {broken}")]
        else:  # every commune of a district or province: the jobs runner sends it, nobody waits behind it
            await queue_job(uow, person, "progress", params, channel, now)
            message = OutboundMessage(  # the page needs no waiting: offered at once
                text=f"⏳ Đang tổng hợp tiến độ của {unit.name}; bot sẽ gửi ngay khi xong.",
                buttons=progress_report.app_row(unit, services.miniapp),
            )
        await queue_job(uow, person, "chart", params, channel, now)
        stages = await stage_report(uow, unit, year, today)
        if stages is not None:  # in the same message: its buttons stay the last ones (Zalo numbers them)
            message = dataclasses.replace(message, text=f"{message.text}\n\n{stages.text}")
        return [message]
    if name == "bieudo":
        await queue_job(uow, person, "chart", {"unit": unit.code, "year": year}, channel, now)
        return [OutboundMessage(text="⏳ Đang vẽ biểu đồ, bot sẽ gửi ngay khi xong.")]
    if name == "baocao":
        buttons = tuple(
            (Button(label, Command("xuat", f"{fmt}:{unit.code}")),)
            for fmt, (label, tiers) in EXPORT_FORMATS.items()
            if unit.tier in tiers
        )
        if services.miniapp:
            buttons += ((Button("🖥 Mở hồ sơ trên bảng", OpenApp("dossier", unit.code)),),)
        return [
            OutboundMessage(text=f"📄 Hồ sơ năm {year} — {unit.name}: chọn tệp cần tạo.", buttons=buttons)
        ]
    if name == "nhatky":
        await queue_job(uow, person, "audit", {"unit": unit.code, "year": year}, channel, now)
        return [await services.long_read(uow, lambda reader: audit_text(reader, unit, year))]
    return await _review(uow, person, name, unit, now, year, miniapp=services.miniapp)


async def _review(
    uow: UnitOfWork,
    person: PersonRecord,
    name: str,
    unit: UnitRecord,
    now: datetime,
    year: int,
    *,
    miniapp: bool = False,
) -> list[OutboundMessage]:
    if name == "duyet" and unit.tier == "commune":
        return [await review.list_villages(uow, unit, year, miniapp=miniapp)]
    if unit.tier != "village":
        return [OutboundMessage(text="Xin chọn một thôn. Gõ /duyet để xem danh sách.")]
    if name == "duyet":
        return [await review.show_village(uow, unit, year, miniapp=miniapp)]
    if name == "duyet_ok":
        return [await review.approve(uow, person, unit, year, now)]
    if name == "tralai":
        return [await review.start_return(uow, person, unit, now)]
    return [OutboundMessage(text="Lệnh chưa rõ. Gõ /help.")]


async def _export(
    uow: UnitOfWork, person: PersonRecord, command: Command, now: datetime, services: Services, channel: str
) -> OutboundMessage:
    fmt, _, code = (command.arg or "").partition(":")
    unit = await unit_in_scope(uow, person, code)
    if unit is None:
        return NOT_IN_SCOPE
    spec = EXPORT_FORMATS.get(fmt)
    if spec is None or unit.tier not in spec[1]:
        return OutboundMessage(text="Loại tệp này không có cho đơn vị đã chọn.")
    job = await queue_job(
        uow, person, "export", {"unit": unit.code, "year": services.year, "format": fmt}, channel, now
    )
    return OutboundMessage(
        text=f"⏳ Đang tạo «{spec[0]}» cho {unit.name}; bot sẽ gửi tệp ngay khi xong.",
        edit_key=progress_key(job) if fmt in REPORTS_PROGRESS else None,  # its progress edits it in place
    )
