"""`cdht import-answers`: answers (and evidence files) from CSV/XLSX, all or nothing.

An answer is checked exactly as the chat checks it (the same functions): its bounds and type, then the
questionnaire's relations with the unit's other answers of that year, those of the same file and those
already stored (`consistency`). A bad row is reported with its row number and why; nothing is imported.
Each answer changed is an entry of the audit log, with who imported which file (`import_audit`)."""

from __future__ import annotations

import asyncio
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cdht.conversations.definition import consistency
from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.definition.values import AnswerValue as ChatValue
from cdht.conversations.definition.values import GeoPoint, coerce, display, to_json
from cdht.conversations.parsing.answers import Parsed, format_value, parse_answer
from cdht.conversations.parsing.clean_text import clean_line
from cdht.handlers.admin.import_audit import (
    ANSWER,
    ImportAudit,
    ImportSource,
    counted,
    covering_units,
    source_of,
)
from cdht.handlers.admin.items import ItemSpec, item_catalog
from cdht.handlers.admin.spreadsheet import Row, read_rows
from cdht.handlers.ports import (
    AnswersImportUnitOfWork,
    AnswerValue,
    FileStore,
    NewAnswer,
    NewEvidence,
    UnitRecord,
)
from cdht.handlers.respondent.wording import VILLAGE_QUESTIONNAIRE, carry_down

HEADER_ALIASES = {
    "unit code": "unit_code",
    "ma don vi": "unit_code",
    "year": "year",
    "nam": "year",
    "item": "item",
    "chi tieu": "item",
    "cau hoi": "item",
    "value": "value",
    "gia tri": "value",
    "evidence": "evidence",
    "minh chung": "evidence",
}
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


class AnswersImportError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PlannedAnswer:
    row: int
    unit: UnitRecord
    year: int
    spec: ItemSpec
    value: AnswerValue
    display: str
    has_value: bool
    evidence: Path | None


@dataclass
class AnswersReport:
    answers_added: int = 0
    answers_unchanged: int = 0
    evidence_added: int = 0
    recounting: list[str] = field(default_factory=list)
    """Villages told to count their citizens again: their commune's imported base is not what they counted."""

    def counts(self) -> str:
        """The audit log's summary of an import: «Câu trả lời: đổi 9.400, không đổi 0; minh chứng: thêm 12»."""
        return (
            f"Câu trả lời: đổi {counted(self.answers_added)}, không đổi {counted(self.answers_unchanged)}; "
            f"minh chứng: thêm {counted(self.evidence_added)}"
        )

    def summary(self) -> str:
        told = (
            f" Thôn được báo đếm lại số công dân theo cách tính mới của xã: {', '.join(self.recounting)}."
            if self.recounting
            else ""
        )
        return (
            f"Câu trả lời: thêm {self.answers_added}, không đổi {self.answers_unchanged}. "
            f"Minh chứng: thêm {self.evidence_added}.{told}"
        )


def _plan_row(
    row: Row, units: dict[str, UnitRecord], catalog: dict[str, dict[str, ItemSpec]], base: Path
) -> PlannedAnswer | str:
    cells, n = row.cells, row.number
    unit = units.get(cells.get("unit_code", ""))
    if unit is None:
        return f"Dòng {n}: không có đơn vị mã '{cells.get('unit_code', '')}'."
    year_text = cells.get("year", "")
    if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
        return f"Dòng {n}: năm '{year_text}' không hợp lệ."
    spec = catalog.get(unit.tier, {}).get(cells.get("item", ""))
    if spec is None:
        return f"Dòng {n}: '{cells.get('item', '')}' không phải chỉ tiêu hay câu hỏi của cấp {unit.tier}."
    evidence = None
    if cells.get("evidence"):
        evidence = (base / cells["evidence"]).resolve()
        if not evidence.is_file():
            return f"Dòng {n}: không tìm thấy tệp minh chứng '{cells['evidence']}'."
        if evidence.stat().st_size > MAX_EVIDENCE_BYTES:
            return f"Dòng {n}: tệp minh chứng '{cells['evidence']}' lớn hơn 20 MB."
    text = cells.get("value", "")
    if not text:
        if evidence is None:
            return f"Dòng {n}: thiếu giá trị."
        return PlannedAnswer(n, unit, int(year_text), spec, None, "", False, evidence)
    parsed = parse_answer(
        spec.qtype,
        text,
        choices=spec.choices,
        min_value=spec.min_value,
        max_value=spec.max_value,
        levels=spec.levels,
    )
    if not isinstance(parsed, Parsed):
        return f"Dòng {n}: giá trị '{text}' của {cells['item']}: {parsed.reason}"
    value: AnswerValue = parsed.value
    shown = parsed.display
    if spec.question is not None:  # as the chat does after parsing: the value must fit the question
        fitting = coerce(spec.question, parsed.value)
        if fitting is None:
            return (
                f"Dòng {n}: giá trị '{text}' của {cells['item']}: câu trả lời này không hợp lệ cho câu hỏi."
            )
        value = to_json(fitting) if isinstance(fitting, GeoPoint) else fitting  # stored as the chat does
        shown = display(spec.question, fitting)
    return PlannedAnswer(n, unit, int(year_text), spec, value, shown, True, evidence)


async def import_answers(
    path: Path,
    uow: AnswersImportUnitOfWork,
    files: FileStore,
    now: datetime,
    *,
    source: ImportSource | None = None,
) -> AnswersReport:
    """Check every row, then store the answers and evidence in one transaction, each changed answer in the
    audit log with `source` (the file's name and hash; who ran it), and a summary entry per year."""
    rows = read_rows(path, HEADER_ALIASES, ("unit_code", "year", "item", "value"), multiline=("value",))
    units = await uow.units.by_codes(sorted({row.cells.get("unit_code", "") for row in rows}))
    catalog = item_catalog(builtin_questionnaires().values())
    plans: list[PlannedAnswer] = []
    problems: list[tuple[int, str]] = []
    for row in rows:
        outcome = _plan_row(row, units, catalog, path.parent)
        if isinstance(outcome, str):
            problems.append((row.number, outcome))
        else:
            plans.append(outcome)
    problems += await _relation_problems(plans, uow)
    if problems:
        raise AnswersImportError([problem for _, problem in sorted(problems, key=lambda p: p[0])])
    audit = ImportAudit(uow.audit, await source_of(path, source), now)
    report = AnswersReport()
    by_year: dict[int, AnswersReport] = {}
    for plan in plans:
        await _apply(plan, uow, files, now, by_year.setdefault(plan.year, AnswersReport()), audit)
    for (commune, year), settings in _declared_bases(plans).items():  # as when the officer answers in chat
        report.recounting += await carry_down(uow, None, units[commune], year, settings, now, "import")
    parents = {unit.id: unit.parent_id for unit in await uow.units.all()}
    for year, counts in sorted(by_year.items()):
        report.answers_added += counts.answers_added
        report.answers_unchanged += counts.answers_unchanged
        report.evidence_added += counts.evidence_added
        touched = covering_units((plan.unit.id for plan in plans if plan.year == year), parents)
        await audit.summary(touched, year, counts.counts())
    await uow.commit()
    return report


def _declared_bases(plans: list[PlannedAnswer]) -> dict[tuple[str, int], dict[str, str]]:
    """The settings of the villages' questions (the citizen base) imported for a commune, by (code, year)."""
    village = builtin_questionnaires()[VILLAGE_QUESTIONNAIRE]
    found: dict[tuple[str, int], dict[str, str]] = {}
    for plan in plans:
        name = plan.spec.fact or plan.spec.question_id
        if plan.unit.tier == "commune" and name in village.settings and isinstance(plan.value, str):
            found.setdefault((plan.unit.code, plan.year), {})[name] = plan.value
    return found


async def _relation_problems(
    plans: list[PlannedAnswer], uow: AnswersImportUnitOfWork
) -> list[tuple[int, str]]:
    """The relations the imported answers break, as the chat would refuse them, for each unit and year: the
    answers already stored overlaid with the file's (a later row for the same question wins)."""
    groups: dict[tuple[int, int], tuple[Questionnaire, dict[str, PlannedAnswer]]] = {}
    for plan in plans:
        questionnaire = plan.spec.questionnaire
        if plan.has_value and questionnaire is not None:
            group = groups.setdefault((plan.unit.id, plan.year), (questionnaire, {}))
            group[1][plan.spec.question_id] = plan
    problems: list[tuple[int, str]] = []
    for (unit_id, year), (questionnaire, imported) in groups.items():
        stored = {qid: record.value for qid, record in (await uow.answers.latest(unit_id, year)).items()}
        problems += _broken_relations(questionnaire, imported, stored)
    return problems


def _broken_relations(
    questionnaire: Questionnaire, imported: dict[str, PlannedAnswer], stored: Mapping[str, object]
) -> list[tuple[int, str]]:
    """Every imported answer checked against the answers that count, both ways: `5.000 người học tập` above
    `100 công dân` of the same file, and `100 công dân` below the `850 người học tập` already stored."""
    answers: dict[str, ChatValue] = {}
    for question_id, raw in [*stored.items(), *((qid, plan.value) for qid, plan in imported.items())]:
        question = questionnaire.get(question_id)
        value = coerce(question, raw) if question is not None else None
        if value is not None:
            answers[question_id] = value
    counted = consistency.relevant_values(questionnaire, answers)

    def shown(question_id: str) -> str:
        """An answer as a reason shows it, with where it comes from: a row of this file, or stored."""
        text = display(questionnaire.question(question_id), answers[question_id])
        source = imported.get(question_id)
        return f"{text}, dòng {source.row}" if source is not None else f"{text}, đã lưu"

    problems: list[tuple[int, str]] = []
    for question_id, plan in imported.items():
        if question_id not in answers:
            continue
        question, value = questionnaire.question(question_id), answers[question_id]
        mine = display(question, value)
        relation = consistency.broken_relation(questionnaire, question_id, value, counted)
        if relation is not None:
            target = questionnaire.question(relation.target)
            reason = consistency.relation_reason(question, mine, relation, target, shown(target.id))
            problems.append((plan.row, f"Dòng {plan.row}: {reason}"))
        for dependent, broken in consistency.broken_dependents(questionnaire, question_id, value, counted):
            if dependent.id not in imported:  # an imported dependent is reported on its own row, above
                reason = consistency.relation_reason(dependent, shown(dependent.id), broken, question, mine)
                problems.append((plan.row, f"Dòng {plan.row}: {reason}"))
    return problems


async def _apply(
    plan: PlannedAnswer,
    uow: AnswersImportUnitOfWork,
    files: FileStore,
    now: datetime,
    report: AnswersReport,
    audit: ImportAudit,
) -> None:
    spec = plan.spec
    if plan.has_value:
        latest = (await uow.answers.latest(plan.unit.id, plan.year)).get(spec.question_id)
        if latest is not None and latest.value == plan.value:
            report.answers_unchanged += 1
        else:
            display = plan.display or format_value(spec.qtype, plan.value, choices=spec.choices)
            await uow.answers.add(
                NewAnswer(
                    unit_id=plan.unit.id,
                    year=plan.year,
                    question_id=spec.question_id,
                    fact=spec.fact,
                    value=plan.value,
                    display=display,
                    answered_at=now,
                    source="import",
                )
            )
            report.answers_added += 1
            old = (
                None
                if latest is None
                else latest.display or format_value(spec.qtype, latest.value, choices=spec.choices)
            )
            await audit.change(
                ANSWER, plan.unit.id, plan.year, question_id=spec.question_id, old=old, new=display
            )
    if plan.evidence is not None:
        source = plan.evidence
        sha256 = await asyncio.to_thread(lambda: files.put_bytes(source.read_bytes()))
        known = await uow.evidence.for_unit(plan.unit.id, plan.year)
        if any(e.sha256 == sha256 and e.question_id == spec.question_id for e in known):
            return
        mime, _ = mimetypes.guess_type(plan.evidence.name)
        await uow.evidence.add(
            NewEvidence(
                unit_id=plan.unit.id,
                year=plan.year,
                question_id=spec.question_id,
                fact=spec.fact,
                media_type="photo" if (mime or "").startswith("image/") else "document",
                mime_type=mime,
                size=plan.evidence.stat().st_size,
                sha256=sha256,
                original_name=clean_line(plan.evidence.name),
                channel="import",
                created_at=now,
            )
        )
        report.evidence_added += 1
