"""Fill the yearly report (made in May) from storage: the communes' scores and learning models from the facts
loaded once, their dossiers' stages in one query, the difficulties raised in chat during the year with their
answers, and who reports to whom (settings, by the unit's code or tier)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from cdht.handlers.exports.dossier import recognitions_below
from cdht.handlers.facts_loader import load_unit_facts
from cdht.handlers.ports import DifficultyRecord, PersonRecord, ReportUnitOfWork, UnitRecord
from cdht.handlers.procedure.rules import STAGE_NAMES
from cdht.reports.annual_stats import ISSUERS, RECIPIENTS, fill, head_title, report_date
from cdht.reports.inputs import AnnualReportInput, DifficultyItem, Signing
from cdht.reports.labels import in_sentence
from cdht.scoring.evaluate import evaluate
from cdht.scoring.facts import RecognitionValidity
from cdht.scoring.learning_models import tally_learning_models

CAMPAIGN_START = (7, 1)
"""The difficulties of year Y's report are those raised from 1 July of Y to 30 June of Y+1: the months in which
the application works on year Y (`Settings.year_for`), from the villages' answers to the May report."""


def report_parties(
    unit: UnitRecord,
    parent: UnitRecord | None,
    issuers: Mapping[str, str],
    recipients: Mapping[str, Sequence[str]],
) -> tuple[str, str, tuple[str, ...]]:
    """(issuer, the People's Committee above it, recipients) of the unit's yearly report, with the places filled
    in; each setting is looked up by the unit's code first, then by its tier. An issuer naming "{unit}" is a
    body of its own, with no People's Committee printed above it."""
    place, above = in_sentence(unit.name), in_sentence(parent.name) if parent else ""
    template = issuers.get(unit.code) or issuers.get(unit.tier) or ISSUERS["district"]
    listed = recipients.get(unit.code) or recipients.get(unit.tier) or RECIPIENTS["district"]
    names = (fill(name, place, above) for name in ([listed] if isinstance(listed, str) else listed))
    parent_issuer = "" if "{unit}" in template else f"Ủy ban nhân dân {place}"
    return fill(template, place, above), parent_issuer, tuple(name for name in names if name)


def campaign(year: int, timezone: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(timezone)
    return (
        datetime(year, *CAMPAIGN_START, tzinfo=zone),
        datetime(year + 1, *CAMPAIGN_START, tzinfo=zone),
    )


def _place(name: str) -> str:
    """ "Huyện Kim Sơn" -> "Kim Sơn" for the dated line."""
    return re.sub(r"^(Huyện|Quận|Thị xã|Thành phố|Tỉnh)\s+", "", name.strip())


async def annual_report_input(
    uow: ReportUnitOfWork,
    area: UnitRecord,
    year: int,
    today: date,
    validity: RecognitionValidity = "assessed_year",
    *,
    issuers: Mapping[str, str] = ISSUERS,
    recipients: Mapping[str, Sequence[str]] = RECIPIENTS,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> AnnualReportInput:
    facts = await load_unit_facts(uow, area, year, validity)
    assessment = evaluate(facts)
    communes = [c for c in assessment.children if c.tier == "commune"]
    subtree = await uow.units.subtree(area.id)
    by_code = {unit.code: unit for unit in subtree}
    commune_ids = [by_code[c.unit_code].id for c in communes if c.unit_code in by_code]
    stages = await uow.dossiers.stages(commune_ids, year)
    codes = {unit.id: unit.code for unit in subtree}
    decisions = [
        r
        for r in await recognitions_below(uow, area)
        if r.decided_on and r.decided_on.year in (year, year + 1)
    ]
    above = await uow.units.ancestors(area.id)
    issuer, parent_issuer, sent_to = report_parties(
        area, above[1] if len(above) > 1 else None, issuers, recipients
    )
    since, until = campaign(year, timezone)
    last_day = min(until.date() - timedelta(days=1), today)
    return AnnualReportInput(
        unit_name=area.name,
        year=year,
        communes=communes,
        recognitions=decisions,
        communes_total=len(communes),
        district=assessment,
        signing=Signing(
            place=_place(area.name),
            signed_on=report_date(year, today),
            signer_title=head_title(issuer),
            issuer=issuer,
            parent_issuer=parent_issuer,
        ),
        recipients=sent_to,
        stages={codes[unit_id]: STAGE_NAMES[stage] for unit_id, stage in stages.items()},
        learning_models={
            child.unit_code: tally_learning_models(child)
            for child in facts.children
            if child.tier == "commune"
        },
        difficulties=await difficulties_of(uow, area, subtree, since, until, timezone),
        period=(since.date(), max(since.date(), last_day)),
    )


async def difficulties_of(
    uow: ReportUnitOfWork,
    area: UnitRecord,
    subtree: Sequence[UnitRecord],
    since: datetime,
    until: datetime,
    timezone: str,
) -> list[DifficultyItem]:
    """The vướng mắc raised in the area's units, each under its commune (or the area itself), communes in code
    order, oldest first; the people's names in two queries and one per answering admin outside the area."""
    raised = await uow.difficulties.raised_between([unit.id for unit in subtree], since, until)
    if not raised:
        return []
    units = {unit.id: unit for unit in subtree}
    people = {p.id: p for p in await uow.people.in_units(sorted({item.unit_id for item in raised}))}
    for person_id in sorted({item.answered_by for item in raised if item.answered_by is not None}):
        if person_id not in people and (person := await uow.people.get(person_id)) is not None:
            people[person_id] = person
    zone = ZoneInfo(timezone)
    items = [_item(d, units, people, area, zone) for d in raised]
    order = {unit.code: index for index, unit in enumerate(sorted(subtree, key=lambda u: u.code))}
    groups = {unit.name: order[unit.code] for unit in subtree if unit.tier == "commune"}
    return sorted(items, key=lambda item: (item.group == area.name, groups.get(item.group, 0)))


def _commune_of(unit: UnitRecord, units: Mapping[int, UnitRecord]) -> UnitRecord | None:
    seen = 0
    node: UnitRecord | None = unit
    while node is not None and seen <= len(units):
        if node.tier == "commune":
            return node
        node = units.get(node.parent_id) if node.parent_id is not None else None
        seen += 1
    return None


def _item(
    record: DifficultyRecord,
    units: Mapping[int, UnitRecord],
    people: Mapping[int, PersonRecord],
    area: UnitRecord,
    zone: ZoneInfo,
) -> DifficultyItem:
    unit = units[record.unit_id]
    commune = _commune_of(unit, units)
    asker = people.get(record.person_id)
    answerer = people.get(record.answered_by) if record.answered_by is not None else None
    return DifficultyItem(
        id=record.id,
        group=commune.name if commune else area.name,
        unit_name=unit.name,
        raised_by=asker.name if asker else "",
        raised_on=record.created_at.astimezone(zone).date(),
        text=record.text,
        answer=record.answer if record.status == "answered" else None,
        answered_by=answerer.name if answerer else "",
        answered_on=record.answered_at.astimezone(zone).date() if record.answered_at else None,
    )
