"""`cdht import-answers`: answers (and evidence files) from CSV/XLSX, all or nothing."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.parsing.answers import Parsed, format_value, parse_answer
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

    def summary(self) -> str:
        return (
            f"Câu trả lời: thêm {self.answers_added}, không đổi {self.answers_unchanged}. "
            f"Minh chứng: thêm {self.evidence_added}."
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
        return PlannedAnswer(unit, int(year_text), spec, None, "", False, evidence)
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
    return PlannedAnswer(unit, int(year_text), spec, parsed.value, parsed.display, True, evidence)


async def import_answers(
    path: Path, uow: AnswersImportUnitOfWork, files: FileStore, now: datetime
) -> AnswersReport:
    rows = read_rows(path, HEADER_ALIASES, ("unit_code", "year", "item", "value"))
    units = await uow.units.by_codes(sorted({row.cells.get("unit_code", "") for row in rows}))
    catalog = item_catalog(builtin_questionnaires().values())
    plans: list[PlannedAnswer] = []
    problems: list[str] = []
    for row in rows:
        outcome = _plan_row(row, units, catalog, path.parent)
        if isinstance(outcome, str):
            problems.append(outcome)
        else:
            plans.append(outcome)
    if problems:
        raise AnswersImportError(problems)
    report = AnswersReport()
    for plan in plans:
        await _apply(plan, uow, files, now, report)
    await uow.commit()
    return report


async def _apply(
    plan: PlannedAnswer, uow: AnswersImportUnitOfWork, files: FileStore, now: datetime, report: AnswersReport
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
    if plan.evidence is not None:
        sha256, _ = files.put_file(plan.evidence)
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
                original_name=plan.evidence.name,
                channel="import",
                created_at=now,
            )
        )
        report.evidence_added += 1
