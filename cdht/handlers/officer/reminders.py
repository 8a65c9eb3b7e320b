"""Reminders: only to people with unfinished questions, before the deadlines, staggered by unit, never in
quiet hours, at most one per person per day, each naming what is missing. Also re-recognition and the
district's yearly report in May."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cdht.conversations.inbound import Command
from cdht.conversations.outbound import Button, OutboundMessage
from cdht.handlers.context import LongReads
from cdht.handlers.notify import notify
from cdht.handlers.officer.progress_report import collection_window
from cdht.handlers.officer.recognitions import validity
from cdht.handlers.officer.unfinished import describe, still_open
from cdht.handlers.ports import (
    Lane,
    PersonRecord,
    ReminderPlanUnitOfWork,
    UnitOfWork,
    UnitOfWorkFactory,
    UnitRecord,
)
from cdht.scoring.departments import active_departments
from cdht.scoring.facts import RecognitionValidity

CHUNK = 200  # reminders queued in one transaction


@dataclass(frozen=True)
class ReminderPolicy:
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    days_before_deadline: int = 30
    days_after_deadline: int = 14
    every_days: int = 2
    stagger_seconds: int = 20  # between units, so a province's reminders do not all arrive in one second
    timezone: str = "Asia/Ho_Chi_Minh"
    recognition_validity: RecognitionValidity = "assessed_year"  # how «bảo lưu … 3 năm» is read (settings)


@dataclass(frozen=True)
class PlannedReminder:
    person: PersonRecord
    unit: UnitRecord
    kind: str
    text: str
    reachable: bool = True


@dataclass
class ReminderRun:
    quiet: bool = False
    planned: list[PlannedReminder] = field(default_factory=list)
    queued: int = 0


def local_day(now: datetime, policy: ReminderPolicy) -> date:
    return now.astimezone(ZoneInfo(policy.timezone)).date()


def in_quiet_hours(local: time, policy: ReminderPolicy) -> bool:
    if policy.quiet_start > policy.quiet_end:
        return local >= policy.quiet_start or local < policy.quiet_end
    return policy.quiet_start <= local < policy.quiet_end


async def plan(
    uow: ReminderPlanUnitOfWork, year: int, today: date, policy: ReminderPolicy
) -> list[PlannedReminder]:
    """Who is reminded of what today: a few queries whatever the number of people (read only)."""
    units = {u.id: u for u in await uow.units.all()}
    people = [p for p in await uow.people.all() if p.active]
    reviews = await uow.years.for_units(list(units), year)
    last_days = await uow.reminders.last_days([p.id for p in people], "answers")
    due = []  # the cheap tests first: the engine works out what is missing only for those reminded
    for item in await still_open(uow, people, year):  # each by the date of their own unit's tier
        review = reviews.get(item.person.unit_id)
        tier = units[item.person.unit_id].tier
        _, deadline = collection_window(tier, year, review.deadline if review else None)
        days_left = (deadline - today).days
        last = last_days.get(item.person.id)
        if -policy.days_after_deadline <= days_left <= policy.days_before_deadline and (
            last is None or (today - last).days >= policy.every_days
        ):
            due.append((item, deadline, days_left))
    described = await describe(uow, [item for item, _, _ in due], year)
    planned: list[PlannedReminder] = []
    for (item, deadline, days_left), missing in zip(due, described, strict=True):
        unit = units[item.person.unit_id]
        when = f"hạn {deadline:%d/%m/%Y}" if days_left >= 0 else f"đã quá hạn {deadline:%d/%m/%Y}"
        text = (
            f"🔔 Nhắc việc ({unit.name}{_department_suffix(item.person)}, số liệu năm {year}): "
            f"{missing.summary()}. {when.capitalize()}."
        )
        planned.append(PlannedReminder(item.person, unit, "answers", text))
    planned += await _recognition_reminders(uow, people, units, today, policy)
    planned += await _yearly_report_reminders(uow, people, units, today)
    accounts = await uow.people.identities_of(sorted({r.person.id for r in planned}))
    planned = [
        r if r.person.id in accounts else PlannedReminder(r.person, r.unit, r.kind, r.text, False)
        for r in planned
    ]
    return sorted(planned, key=lambda r: (r.unit.code, r.person.id))


def _department_suffix(person: PersonRecord) -> str:
    """ " – Phòng Văn hóa và Thông tin" for a department's people: they are reminded of its indicators only."""
    departments = active_departments()
    return "" if departments.is_lead(person.department) else f" – {departments.name(person.department)}"


async def _due(
    uow: ReminderPlanUnitOfWork, person: PersonRecord, kind: str, today: date, every_days: int
) -> bool:
    last = await uow.reminders.last_day(person.id, kind)
    return last is None or (today - last).days >= every_days


async def _recognition_reminders(
    uow: ReminderPlanUnitOfWork,
    people: list[PersonRecord],
    units: dict[int, UnitRecord],
    today: date,
    policy: ReminderPolicy,
) -> list[PlannedReminder]:
    """From November of the last valid year: the recognition runs out, re-recognition needs a dossier."""
    found = []
    officers = [p for p in people if p.role in ("commune_officer", "district_admin")]
    decisions = await uow.recognitions.for_units(list({p.unit_id for p in officers}))
    for person in officers:
        mine = [d for d in decisions if d.unit_id == person.unit_id]
        if not mine or today.month < 11:
            continue
        latest = max(mine, key=lambda d: (d.year, d.decided_on))
        unit = units[person.unit_id]
        facts = validity(latest, unit.tier, policy.recognition_validity)
        if facts.valid_through_year != today.year or not await _due(uow, person, "recognition", today, 30):
            continue
        text = (
            f"🏅 Kết quả công nhận {unit.name} mức độ {latest.level} ({latest.decision_number}) "
            f"được bảo lưu đến hết năm {facts.valid_through_year}. "
            f"Xin chuẩn bị hồ sơ đề nghị công nhận lại, gửi trước ngày {facts.renewal_dossier_by:%d/%m/%Y}."
        )
        found.append(PlannedReminder(person, unit, "recognition", text))
    return found


async def _yearly_report_reminders(
    uow: ReminderPlanUnitOfWork, people: list[PersonRecord], units: dict[int, UnitRecord], today: date
) -> list[PlannedReminder]:
    """The district reports its results under the circular every May (to the department and the People's
    Committee): district admins are reminded in the first days of May, once a year."""
    if today.month != 5 or today.day > 10:
        return []
    found = []
    for person in (p for p in people if p.role == "district_admin"):
        last = await uow.reminders.last_day(person.id, "yearly_report")
        if last is not None and last.year == today.year:
            continue
        text = (
            f"📑 Tháng 5: đến kỳ báo cáo kết quả thực hiện Thông tư 25/2023 năm {today.year - 1} "
            f"của {units[person.unit_id].name}. Gõ /baocao để tải bản báo cáo năm."
        )
        found.append(PlannedReminder(person, units[person.unit_id], "yearly_report", text))
    return found


async def tick(
    uow_factory: UnitOfWorkFactory,
    now: datetime,
    year: int,
    policy: ReminderPolicy,
    *,
    dry_run: bool = False,
    reads: LongReads | None = None,
) -> ReminderRun:
    """Plan today's reminders (off the event loop with `reads`: a province's plan reads every person and
    works out what each has left), then queue them (bulk lane) a chunk per transaction, so a province's
    reminders never hold the database or the event loop for long."""
    local = now.astimezone(ZoneInfo(policy.timezone))
    if in_quiet_hours(local.time(), policy):
        return ReminderRun(quiet=True)

    async def planned(uow: UnitOfWork) -> list[PlannedReminder]:
        return await plan(uow, year, local.date(), policy)

    if reads is not None:
        run = ReminderRun(planned=await reads.run(planned))
    else:
        async with uow_factory() as uow:
            run = ReminderRun(planned=await planned(uow))
    if dry_run:
        return run
    unit_order = {code: index for index, code in enumerate(sorted({r.unit.code for r in run.planned}))}
    reachable = [r for r in run.planned if r.reachable]
    for start in range(0, len(reachable), CHUNK):
        async with uow_factory() as uow:
            for reminder in reachable[start : start + CHUNK]:
                # One reminder a day per person, whatever its kind; the kind's own row paces that kind.
                if not await uow.reminders.record(reminder.person.id, local.date(), "any", now):
                    continue
                await uow.reminders.record(reminder.person.id, local.date(), reminder.kind, now)
                delay = timedelta(seconds=policy.stagger_seconds * unit_order[reminder.unit.code])
                message = OutboundMessage(
                    text=reminder.text, buttons=((Button("▶️ Tiếp tục", Command("start")),),)
                )
                run.queued += await notify(
                    uow, [reminder.person], [message], now, not_before=now + delay, lane=Lane.BULK
                )
            await uow.commit()
        await asyncio.sleep(0)
    return run
