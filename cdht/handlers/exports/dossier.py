"""Fill the report inputs (cdht.reports.inputs) from storage: the dossier of a commune, district or province."""

from __future__ import annotations

from datetime import date

from cdht.handlers.facts_loader import facts_from_answers, load_unit_facts
from cdht.handlers.officer.village_status import VillageState, village_states, village_states_below
from cdht.handlers.ports import ReportUnitOfWork, UnitRecord
from cdht.reports.inputs import (
    CommuneDossier,
    DistrictDossier,
    EvidenceRecord,
    RecognitionRecord,
    Signing,
    VillageFigures,
)
from cdht.scoring.criteria_set import SET_BY_TIER, criteria_set_for_tier
from cdht.scoring.evaluate import evaluate
from cdht.scoring.facts import RecognitionValidity, UnitFacts
from cdht.scoring.learning_models import area_learning_models, tally_learning_models
from cdht.scoring.results import Assessment

COUNTS = ("citizens", "learning_citizens", "trained_citizens", "university_citizens")


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def commune_dossier(
    uow: ReportUnitOfWork,
    commune: UnitRecord,
    year: int,
    today: date,
    assessment: Assessment | None = None,
    validity: RecognitionValidity = "assessed_year",
    states: list[VillageState] | None = None,
) -> CommuneDossier:
    """`states`: the villages' states when the caller read them already (an area's, in one go)."""
    assessment = assessment or evaluate(await load_unit_facts(uow, commune, year, validity))
    states = states if states is not None else await village_states(uow, commune, year)
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
    evidence = (await uow.evidence.counts([commune.id], year)).get(commune.id, {})
    models = tally_learning_models(  # from the answers read above: no other query
        UnitFacts(
            commune.code,
            commune.name,
            "commune",
            year,
            facts_from_answers(own, {}),
            children=tuple(
                UnitFacts(
                    s.unit.code,
                    s.unit.name,
                    "village",
                    year,
                    facts_from_answers(answers.get(s.unit.id, {}), {}),
                )
                for s in states
            ),
        )
    )
    return CommuneDossier(
        assessment=assessment,
        villages=villages,
        evidence_counts=evidence,
        signing=Signing(place=commune.name, signed_on=today),
        learning_models=models,
    )


async def area_dossier(
    uow: ReportUnitOfWork,
    area: UnitRecord,
    year: int,
    today: date,
    validity: RecognitionValidity = "assessed_year",
) -> DistrictDossier:
    facts = await load_unit_facts(uow, area, year, validity)
    assessment = evaluate(facts)
    children = {c.code: c for c in await uow.units.children(area.id)}
    states = await village_states_below(uow, area, year)
    communes = [
        await commune_dossier(
            uow,
            children[child.unit_code],
            year,
            today,
            child,
            states=states.get(children[child.unit_code].id, []),
        )
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
        learning_models=area_learning_models(facts),
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


async def evidence_records(uow: ReportUnitOfWork, unit: UnitRecord, year: int) -> list[EvidenceRecord]:
    """Each document under the indicator its fact feeds (a figure's statistics under 4.2, the difficult-area
    decision under 5.2); what feeds no indicator keeps its fact and goes to «Khác»."""
    criteria = criteria_set_for_tier(unit.tier) if unit.tier in SET_BY_TIER else None

    def indicator_of(fact: str | None) -> str | None:
        return (criteria.indicator_reading(fact) if criteria and fact else None) or fact

    return [
        EvidenceRecord(
            sha256=e.sha256,
            file_name=e.original_name or "",
            indicator_id=indicator_of(e.fact),
            caption=e.caption or "",
            latitude=e.latitude,
            longitude=e.longitude,
            mime_type=e.mime_type,
        )
        for e in await uow.evidence.for_unit(unit.id, year)
        if e.sha256
    ]
