"""Fill the report inputs (cdht.reports.inputs) from storage: the dossier of a commune, district or province."""

from __future__ import annotations

from datetime import date

from cdht.handlers.facts_loader import load_unit_facts
from cdht.handlers.officer.village_status import village_states
from cdht.handlers.ports import ReportUnitOfWork, UnitRecord
from cdht.reports.inputs import (
    AnnualReportInput,
    CommuneDossier,
    DistrictDossier,
    EvidenceRecord,
    RecognitionRecord,
    Signing,
    VillageFigures,
)
from cdht.scoring.evaluate import evaluate
from cdht.scoring.results import Assessment

COUNTS = ("citizens", "learning_citizens", "trained_citizens", "university_citizens")


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def commune_dossier(
    uow: ReportUnitOfWork, commune: UnitRecord, year: int, today: date, assessment: Assessment | None = None
) -> CommuneDossier:
    assessment = assessment or evaluate(await load_unit_facts(uow, commune, year))
    states = await village_states(uow, commune, year)
    answers = await uow.answers.latest_for_units([s.unit.id for s in states], year)
    villages = []
    for state in states:
        latest = answers.get(state.unit.id, {})
        counts = {key: _int(latest[key].value) if key in latest else None for key in COUNTS}
        villages.append(
            VillageFigures(
                code=state.unit.code,
                name=state.unit.name,
                state=state.state,  # type: ignore[arg-type]
                answered=state.answered,
                total=state.total,
                **counts,
            )
        )
    own = await uow.answers.latest(commune.id, year)
    base = own.get("citizen_base")
    evidence = (await uow.evidence.counts([commune.id], year)).get(commune.id, {})
    return CommuneDossier(
        assessment=assessment,
        villages=villages,
        evidence_counts=evidence,
        citizen_base=str(base.value) if base is not None and base.value is not None else None,
        signing=Signing(place=commune.name, signed_on=today),
    )


async def area_dossier(uow: ReportUnitOfWork, area: UnitRecord, year: int, today: date) -> DistrictDossier:
    assessment = evaluate(await load_unit_facts(uow, area, year))
    children = {c.code: c for c in await uow.units.children(area.id)}
    communes = [
        await commune_dossier(uow, children[child.unit_code], year, today, child)
        for child in assessment.children
        if child.tier == "commune" and child.unit_code in children
    ]
    evidence = (await uow.evidence.counts([area.id], year)).get(area.id, {})
    return DistrictDossier(
        assessment=assessment,
        communes=communes,
        recognitions=await recognitions_below(uow, area),
        evidence_counts=evidence,
        signing=Signing(place=area.name, signed_on=today),
    )


async def recognitions_below(uow: ReportUnitOfWork, area: UnitRecord) -> list[RecognitionRecord]:
    units = {u.id: u for u in await uow.units.subtree(area.id)}
    return [
        RecognitionRecord(
            unit_code=units[d.unit_id].code,
            unit_name=units[d.unit_id].name,
            level=d.level,
            year=d.year,
            decision_number=d.decision_number,
            decided_on=d.decided_on,
            body=d.body,
        )
        for d in await uow.recognitions.for_units(list(units))
    ]


async def annual_report_input(
    uow: ReportUnitOfWork, area: UnitRecord, year: int, today: date
) -> AnnualReportInput:
    assessment = evaluate(await load_unit_facts(uow, area, year))
    communes = [c for c in assessment.children if c.tier == "commune"]
    decisions = [
        r
        for r in await recognitions_below(uow, area)
        if r.decided_on and r.decided_on.year in (year, year + 1)
    ]
    return AnnualReportInput(
        unit_name=area.name,
        year=year,
        communes=communes,
        recognitions=decisions,
        communes_total=len(communes),
        district=assessment,
        signing=Signing(place=area.name, signed_on=today),
    )


async def evidence_records(uow: ReportUnitOfWork, unit: UnitRecord, year: int) -> list[EvidenceRecord]:
    return [
        EvidenceRecord(
            sha256=e.sha256,
            file_name=e.original_name or "",
            indicator_id=e.fact,
            caption=e.caption or "",
            latitude=e.latitude,
            longitude=e.longitude,
            mime_type=e.mime_type,
        )
        for e in await uow.evidence.for_unit(unit.id, year)
        if e.sha256
    ]
