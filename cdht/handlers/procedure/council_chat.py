"""The council's chat commands after their role check: /hoidong (set up the council), /ykien (the dossiers to
appraise, who has answered), and the buttons behind them."""

from __future__ import annotations

from datetime import datetime

from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.context import Services
from cdht.handlers.flows import CouncilFlow, OpinionFlow, set_flow
from cdht.handlers.ports import PersonRecord, UnitOfWork
from cdht.handlers.procedure import council, opinions

COMMANDS = ("hoidong", "ykien", "hd_gui", "hd_tailieu", "yk", "yk_chon")


async def run(
    uow: UnitOfWork,
    person: PersonRecord,
    name: str,
    arg: str | None,
    now: datetime,
    services: Services,
    channel: str,
) -> list[OutboundMessage]:
    year = services.year
    if name == "hoidong":
        if not council.runs_the_procedure(person):
            return [OutboundMessage(text="Xin lỗi, chỉ Phòng Giáo dục và Đào tạo lập Hội đồng đánh giá.")]
        if arg:  # the list typed with the command
            reply = await council.set_up(uow, person, arg, now, year)
            if not reply.text.startswith("✅"):
                await set_flow(uow, person, CouncilFlow(), now)
            return [reply]
        await set_flow(uow, person, CouncilFlow(), now)
        return [await council.show(uow, person, year)]
    if name == "ykien":
        return await opinions.overview(uow, person, year)
    if name == "hd_gui":
        return [await opinions.send_to_council(uow, person, arg, now)]
    if name == "hd_tailieu":
        return await opinions.documents(uow, person, arg, now, services, channel)
    if name == "yk":
        return [await opinions.start(uow, person, arg, now)]
    return [await opinions.choose(uow, person, arg, now, services)]


async def council_step(
    uow: UnitOfWork, person: PersonRecord, flow: CouncilFlow, text: str, now: datetime, services: Services
) -> OutboundMessage:
    """The typed list of members; the flow ends once a council is saved."""
    reply = await council.set_up(uow, person, text, now, services.year)
    if reply.text.startswith("✅"):
        await set_flow(uow, person, None, now)
    return reply


async def opinion_step(
    uow: UnitOfWork, person: PersonRecord, flow: OpinionFlow, text: str, now: datetime, services: Services
) -> OutboundMessage:
    return await opinions.step(uow, person, flow, text, now, services)
