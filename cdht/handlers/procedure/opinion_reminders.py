"""Once a day (from the scheduler tick, outside the quiet hours, bulk lane), each council member who has not
given their opinion on every criterion of a dossier sent to their council is reminded, once whatever the
number of dossiers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from cdht.conversations.inbound import Command
from cdht.conversations.outbound import Button, OutboundMessage
from cdht.handlers.notify import notify
from cdht.handlers.ports import Lane, UnitOfWork
from cdht.handlers.procedure.opinions import answered
from cdht.handlers.procedure.snapshot_view import criteria_of, unit_name

KIND = "council_opinion"
BODY_TIERS = ("district", "province")


async def remind(uow: UnitOfWork, now: datetime, year: int, today: date) -> int:
    """Queue today's reminders; returns how many people were reminded (nobody twice a day)."""
    waiting: defaultdict[int, list[tuple[int, str, int, int]]] = defaultdict(list)  # person -> dossiers
    for body in await uow.units.all():
        if body.tier not in BODY_TIERS:
            continue
        council = await uow.councils.for_body(body.id, year)
        if council is None:
            continue
        for dossier in await uow.dossiers.for_receiver(body.id, year, ("with_council",)):
            criteria = criteria_of(dossier)
            opinions = await uow.opinions.for_dossier(dossier.id)
            for member in council.members:
                done = answered(opinions, criteria, member.person_id)
                if done < len(criteria):
                    waiting[member.person_id].append((dossier.id, unit_name(dossier), done, len(criteria)))
    reminded = 0
    for person_id, dossiers in waiting.items():
        person = await uow.people.get(person_id)
        if person is None or not await uow.reminders.record(person_id, today, KIND, now):
            continue
        lines = ["⏰ Nhắc việc Hội đồng đánh giá: anh/chị chưa cho ý kiến đủ các tiêu chí của hồ sơ:"]
        lines += [f"- Hồ sơ #{d}: {name} ({done}/{total} tiêu chí)" for d, name, done, total in dossiers]
        buttons = tuple((Button(f"✍️ Hồ sơ #{d}", Command("yk", str(d))),) for d, *_ in dossiers[:8])
        message = OutboundMessage(text="\n".join(lines), buttons=buttons)
        if await notify(uow, [person], [message], now, dedupe=f"{KIND}:{today.isoformat()}", lane=Lane.BULK):
            reminded += 1
    return reminded
