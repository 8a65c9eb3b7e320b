"""The Mini App's progress page as data: a unit's own indicators, a grid of the units below it (one row per unit,
one column per indicator), a commune's villages, and the way back up to the person's own unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from cdht.handlers.facts_loader import load_unit_facts
from cdht.handlers.officer.progress_report import STATUS_WORDS, gap_lines, level_text
from cdht.handlers.officer.village_status import STATE_WORDS, VillageState, village_states_below
from cdht.handlers.ports import TIERS, DossierStage, PersonRecord, ReportUnitOfWork, UnitRecord
from cdht.handlers.procedure.rules import stage_line
from cdht.reports.labels import TIER_NOUN
from cdht.scoring.criteria_set import SET_BY_TIER, criteria_set_for_tier
from cdht.scoring.evaluate import evaluate
from cdht.scoring.facts import RecognitionValidity
from cdht.scoring.learning_models import area_learning_models, learning_model_lines
from cdht.scoring.results import Assessment, Status

NO_RESULT = "Chưa có kết quả"


@dataclass(frozen=True)
class Cell:
    status: str  # pass | fail | missing | no_evidence
    label: str
    explanation: str


@dataclass(frozen=True)
class Column:
    id: str  # the indicator, "5.1"
    criterion_id: str  # its criterion, "5"
    name: str  # the circular's wording at level 2
    criterion_name: str = ""  # the circular's wording of its criterion (Tiêu chí N)


@dataclass(frozen=True)
class Crumb:
    code: str
    name: str


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    tier: str
    tier_label: str
    level: int | None  # None: no result
    level_label: str
    stage: str | None  # the stage of its dossier in words; None when it has sent none
    villages_done: int | None  # a commune's villages; None for other tiers
    villages_total: int | None
    cells: Mapping[str, Cell]  # indicator id -> cell, at the level the unit is working towards
    passed: int
    failed: int
    missing: int
    no_evidence: int
    drill: bool  # a progress page exists for it


@dataclass(frozen=True)
class VillageRow:
    code: str
    name: str
    state: str
    state_label: str
    answered: int
    total: int
    heads: tuple[str, ...]


@dataclass(frozen=True)
class ProgressGrid:
    unit: UnitRow
    own_columns: tuple[Column, ...]
    columns: tuple[Column, ...]  # of the rows; () for a commune
    rows: tuple[UnitRow, ...]  # the scored units directly below; () for a commune
    villages: tuple[VillageRow, ...]  # a commune's; () otherwise
    crumbs: tuple[Crumb, ...]  # from the person's own unit down to this unit's parent
    gaps: tuple[str, ...]
    learning_models: tuple[str, ...]
    year: int


def columns_for(tiers: Sequence[str]) -> tuple[Column, ...]:
    """The indicators of these tiers' criteria sets, in order, each id once (the first tier's wording wins).
    Levels 1 and 2 of a set share one list of criteria (the YAML words an indicator differently per level,
    never adds or drops one), so the level-2 wording names a column whatever level a row is judged at."""
    seen: dict[str, Column] = {}
    for tier in sorted(set(tiers), key=TIERS.index):
        for criterion in criteria_set_for_tier(tier).criteria:
            for indicator in criterion.indicators:
                seen.setdefault(
                    indicator.id, Column(indicator.id, criterion.id, indicator.name_at(2), criterion.name)
                )
    return tuple(seen.values())


def cells_of(assessment: Assessment) -> dict[str, Cell]:
    """Each indicator at the level the unit is working towards (as /tiendo marks them)."""
    target = str(min(assessment.level + 1, 2))
    return {
        indicator.id: Cell(indicator.status.value, STATUS_WORDS[indicator.status], indicator.explanation)
        for criterion in assessment.levels[target].criteria
        for indicator in criterion.indicators
    }


def level_label(assessment: Assessment | None) -> str:
    if assessment is None:
        return NO_RESULT
    return level_text(assessment).capitalize()  # /tiendo's words at the head of a cell


def unit_row(
    unit: UnitRecord,
    assessment: Assessment | None,
    stage: str | None,
    states: Sequence[VillageState] | None,
) -> UnitRow:
    cells = cells_of(assessment) if assessment is not None else {}
    statuses = [cell.status for cell in cells.values()]
    return UnitRow(
        code=unit.code,
        name=unit.name,
        tier=unit.tier,
        tier_label=TIER_NOUN.get(unit.tier, unit.tier),
        level=assessment.level if assessment is not None else None,
        level_label=level_label(assessment),
        stage=stage,
        villages_done=sum(s.done for s in states) if states is not None else None,
        villages_total=len(states) if states is not None else None,
        cells=cells,
        passed=statuses.count(Status.PASS.value),
        failed=statuses.count(Status.FAIL.value),
        missing=statuses.count(Status.MISSING.value),
        no_evidence=statuses.count(Status.NO_EVIDENCE.value),
        drill=unit.tier in SET_BY_TIER,
    )


def village_row(state: VillageState) -> VillageRow:
    return VillageRow(
        code=state.unit.code,
        name=state.unit.name,
        state=state.state,
        state_label=STATE_WORDS[state.state],
        answered=state.answered,
        total=state.total,
        heads=tuple(person.name for person in state.heads),
    )


def crumbs_of(above: Sequence[UnitRecord], person: PersonRecord) -> tuple[Crumb, ...]:
    """`above`: the unit, its parent and so on up (`units.ancestors`); kept from the person's own unit down to
    the unit's parent, nothing when the person's unit is not above it."""
    chain = list(reversed(above[1:]))
    top = next((n for n, unit in enumerate(chain) if unit.id == person.unit_id), None)
    return () if top is None else tuple(Crumb(unit.code, unit.name) for unit in chain[top:])


async def progress_grid(
    uow: ReportUnitOfWork,
    person: PersonRecord,
    unit: UnitRecord,
    year: int,
    today: date,
    validity: RecognitionValidity = "assessed_year",
) -> ProgressGrid:
    """Where a commune, district or province stands. The caller has checked the unit is in the person's scope
    (`scope.unit_in_scope`). Raises ValueError for a village (it has no progress page) and
    facts_loader.UnitTreeError when the stored tree loops."""
    if unit.tier not in SET_BY_TIER:
        raise ValueError(f"no progress page for a {unit.tier}: {unit.code}")
    facts = await load_unit_facts(uow, unit, year, validity)
    assessment = evaluate(facts)  # with every unit below: the rows need no evaluation of their own
    below = [child for child in await uow.units.children(unit.id) if child.tier in SET_BY_TIER]
    stages: dict[int, DossierStage] = await uow.dossiers.stages([unit.id] + [c.id for c in below], year)

    def stage_of(each: UnitRecord) -> str | None:
        stage = stages.get(each.id)
        return None if stage is None else stage_line(stage, each.tier, year, today)

    has_villages = any(each.tier == "commune" for each in [unit, *below])
    states: dict[int, list[VillageState]] = (
        await village_states_below(uow, unit, year) if has_villages else {}
    )
    for each in [unit, *below]:
        if each.tier == "commune":
            states.setdefault(each.id, [])
    by_code = {child.unit_code: child for child in assessment.children}
    rows = tuple(unit_row(c, by_code.get(c.code), stage_of(c), states.get(c.id)) for c in below)
    models = area_learning_models(facts)
    is_commune = unit.tier == "commune"
    return ProgressGrid(
        unit=unit_row(unit, assessment, stage_of(unit), states.get(unit.id)),
        own_columns=columns_for([unit.tier]),
        columns=columns_for([row.tier for row in rows]),
        rows=rows,
        villages=tuple(village_row(state) for state in states.get(unit.id, [])),
        crumbs=crumbs_of(await uow.units.ancestors(unit.id), person),
        gaps=tuple(gap_lines(assessment)[1:]),
        learning_models=tuple(learning_model_lines(models)) if is_commune or models.known else (),
        year=year,
    )
