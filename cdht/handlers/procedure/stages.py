"""Where each unit stands in the circular's procedure, for /tiendo: answering, sent, checked, with the council,
decided or returned, and late past the circular's dates."""

from __future__ import annotations

from datetime import date

from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.ports import UnitOfWork, UnitRecord
from cdht.handlers.procedure.rules import stage_line

MAX_LINES = 60


async def stage_report(uow: UnitOfWork, unit: UnitRecord, year: int, today: date) -> OutboundMessage | None:
    """The stage of the unit's own dossier and of each unit one tier below (a district's communes)."""
    if unit.tier == "village":
        return None
    units = [unit] + [u for u in await uow.units.children(unit.id) if u.tier != "village"]
    shown = units[:MAX_LINES]
    stages = await uow.dossiers.stages([each.id for each in shown], year)
    lines = [f"📂 Hồ sơ đề nghị công nhận năm {year}:"]
    for each in shown:
        lines.append(f"• {each.name}: {stage_line(stages.get(each.id), each.tier, year, today)}")
    if len(units) > MAX_LINES:
        lines.append(f"… và {len(units) - MAX_LINES} đơn vị khác.")
    return OutboundMessage(text="\n".join(lines))
