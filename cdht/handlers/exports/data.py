"""The raw data export (`cdht export UNIT --format data`, `/xuat data:UNIT`): every current answer of a
unit's subtree for a year as one table, in XLSX and CSV, with the wide form analysts pivot to.

The answers are read from the database in batches of units (`AnswerRepository.stream_current`) and written
as they come (`AnswerTableWriter`, constant memory): what is held at once is the unit tree and one batch,
however many rows. The writing is CPU work: the jobs runner does it in its reads thread (`Services.long_read`),
never on the bot's event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import IO
from zoneinfo import ZoneInfo

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.definition.question import Question
from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.handlers.ports import (
    AnswerOfRecord,
    EvidenceRecord,
    ReportUnitOfWork,
    UnitRecord,
    YearRecord,
)
from cdht.reports.evidence.names import safe_file_name
from cdht.reports.xlsx.answer_table import AnswerCell, AnswerTableWriter, Column, Place

LABEL = "Toàn bộ câu trả lời (XLSX + CSV)"
TIERS_TOP_DOWN = ("province", "district", "commune", "village")
TIER_WORDS = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã", "village": "Thôn"}
QUESTIONNAIRE_OF_TIER = {
    "province": "province",
    "district": "district",
    "commune": "commune_officer",
    "village": "village_head",
}
REVIEW_WORDS = {
    "open": "Chưa gửi",
    "submitted": "Chờ duyệt",
    "approved": "Đã duyệt",
    "returned": "Đã trả lại",
}
SOURCE_WORDS = {"chat": "Trò chuyện", "import": "Nhập từ tệp"}
UNITS_PER_BATCH = 100  # about 1,600 answers of villages a batch


class RowProgress:
    """Answer rows written so far, of about `total`: the writing thread advances it, the loop reads it."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0

    def advance(self, count: int) -> None:
        self.done += count


@dataclass(frozen=True)
class AnswerTablePlan:
    """What the export writes, known before the first answer is read: the units in tree order (each parent
    before its children), how each one is named, the wide sheet's columns and about how many rows."""

    root: UnitRecord
    year: int
    units: tuple[UnitRecord, ...]
    places: dict[int, Place]
    questionnaires: dict[str, Questionnaire]
    columns: tuple[Column, ...]
    total: int

    @property
    def stem(self) -> str:
        return f"{self.root.code}-{self.year}-cau-tra-loi"

    @property
    def title(self) -> str:
        return f"Toàn bộ câu trả lời năm {self.year} — {self.root.name}"


def _tree_order(root: UnitRecord, units: Sequence[UnitRecord]) -> tuple[UnitRecord, ...]:
    """Each unit before its children, siblings in the order given; each unit once (a stored loop ends)."""
    children: dict[int | None, list[UnitRecord]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[UnitRecord] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        unit = stack.pop()
        if unit.id in seen:
            continue
        seen.add(unit.id)
        ordered.append(unit)
        stack.extend(reversed(children.get(unit.id, [])))
    return tuple(ordered)


def _place(unit: UnitRecord, by_id: dict[int, UnitRecord], review: YearRecord | None) -> Place:
    codes: dict[str, str] = {}
    parent, seen = by_id.get(unit.parent_id) if unit.parent_id is not None else None, {unit.id}
    while parent is not None and parent.id not in seen:
        seen.add(parent.id)
        codes.setdefault(parent.tier, parent.code)
        parent = by_id.get(parent.parent_id) if parent.parent_id is not None else None
    return Place(
        code=unit.code,
        name=unit.name,
        tier=TIER_WORDS.get(unit.tier, unit.tier),
        province=codes.get("province", ""),
        district=codes.get("district", ""),
        commune=codes.get("commune", ""),
        review=REVIEW_WORDS.get(review.status, review.status) if review else REVIEW_WORDS["open"],
    )


async def plan_answer_table(uow: ReportUnitOfWork, unit: UnitRecord, year: int) -> AnswerTablePlan:
    subtree = await uow.units.subtree(unit.id)
    units = _tree_order(unit, subtree)
    by_id = {u.id: u for u in (*await uow.units.ancestors(unit.id), *subtree)}
    ids = [u.id for u in units]
    reviews = await uow.years.for_units(ids, year)
    places = {u.id: _place(u, by_id, reviews.get(u.id)) for u in units}
    catalogue = builtin_questionnaires()
    present = {u.tier for u in units}
    columns = tuple(
        Column(questionnaire.id, questionnaire.version, question.id, question.name)
        for tier in TIERS_TOP_DOWN
        if tier in present and (questionnaire := catalogue.get(QUESTIONNAIRE_OF_TIER[tier])) is not None
        for question in questionnaire.questions
    )
    total = await uow.answers.count_current(ids, year)
    return AnswerTablePlan(unit, year, units, places, catalogue, columns, total)


class _Describe:
    """Answers in the table's terms: the questionnaire's wording, the column, the evidence, local time."""

    def __init__(self, plan: AnswerTablePlan, timezone: str) -> None:
        self._plan = plan
        self._zone = ZoneInfo(timezone)
        self._column = {(c.questionnaire, c.question_id): i for i, c in enumerate(plan.columns)}
        self._any_column: dict[str, int] = {}
        for index, column in enumerate(plan.columns):
            self._any_column.setdefault(column.question_id, index)
        self._anywhere: dict[str, tuple[Questionnaire, Question]] = {}
        for questionnaire in plan.questionnaires.values():
            for question in questionnaire.questions:
                self._anywhere.setdefault(question.id, (questionnaire, question))
        self._backing = {  # (questionnaire, question) -> the evidence question that backs it
            (q.id, question.evidence_for): question.id
            for q in plan.questionnaires.values()
            for question in reversed(q.questions)  # the first one wins, as `evidence_question_for`
            if question.evidence_for
        }
        self._positions = {
            q.id: {question.id: n for n, question in enumerate(q.questions)}
            for q in plan.questionnaires.values()
        }

    def question(
        self, unit: UnitRecord, item: AnswerOfRecord
    ) -> tuple[Questionnaire | None, Question | None]:
        wanted = item.answer.questionnaire_id or QUESTIONNAIRE_OF_TIER.get(unit.tier, "")
        questionnaire = self._plan.questionnaires.get(wanted)
        question = questionnaire.get(item.answer.question_id) if questionnaire else None
        if question is None and item.answer.question_id in self._anywhere:
            questionnaire, question = self._anywhere[item.answer.question_id]
        return questionnaire, question

    def order(self, unit: UnitRecord, items: list[AnswerOfRecord]) -> list[AnswerOfRecord]:
        """A unit's answers in the order its questionnaire asks them; others after, by question id."""
        positions = self._positions.get(QUESTIONNAIRE_OF_TIER.get(unit.tier, ""), {})
        last = len(positions)
        return sorted(
            items,
            key=lambda i: (positions.get(i.answer.question_id, last), i.answer.question_id),
        )

    def cell(
        self, unit: UnitRecord, item: AnswerOfRecord, files: dict[tuple[int, str], list[str]]
    ) -> AnswerCell:
        answer = item.answer
        questionnaire, question = self.question(unit, item)
        named = list(files.get((unit.id, answer.question_id), ()))
        if questionnaire is not None and question is not None and question.type != "evidence":
            backing = self._backing.get((questionnaire.id, question.id))
            if backing is not None:
                named += files.get((unit.id, backing), ())
        stored_in = answer.questionnaire_id or (questionnaire.id if questionnaire else "")
        column = self._column.get((stored_in, answer.question_id), self._any_column.get(answer.question_id))
        moment = (
            answer.answered_at.astimezone(self._zone).replace(tzinfo=None) if answer.answered_at else None
        )
        return AnswerCell(
            questionnaire=stored_in,
            version=answer.questionnaire_version,
            question_id=answer.question_id,
            label=question.label if question else answer.question_id,
            short=(question.short or "") if question else "",
            fact=answer.fact or (question.fact or "" if question else ""),
            display=answer.display,
            value=answer.value,
            measure=(question.unit or "") if question else "",
            answered_by=item.answered_by or "",
            source=SOURCE_WORDS.get(answer.source, answer.source),
            answered_at=moment,
            evidence="; ".join(dict.fromkeys(named)),
            column=column,
        )


def _file_names(records: Sequence[EvidenceRecord]) -> dict[tuple[int, str], list[str]]:
    names: dict[tuple[int, str], list[str]] = {}
    for record in records:
        fallback = (record.sha256 or "tep")[:12]
        names.setdefault((record.unit_id, record.question_id), []).append(
            safe_file_name(record.original_name or "", fallback=fallback)
        )
    return names


async def write_answer_table(
    uow: ReportUnitOfWork,
    plan: AnswerTablePlan,
    xlsx: IO[bytes],
    csv_out: IO[bytes],
    *,
    timezone: str,
    created: date | None = None,
    advance: Callable[[int], None] | None = None,
) -> int:
    """Write the plan's table into `xlsx` and `csv_out` (binary files, left open); returns the rows written.
    `advance(n)` is told after each batch how many answer rows it held."""
    writer = AnswerTableWriter(
        xlsx, csv_out, year=plan.year, title=plan.title, columns=plan.columns, created=created
    )
    describe = _Describe(plan, timezone)
    position = {unit.id: index for index, unit in enumerate(plan.units)}
    written = 0  # units of `plan.units` written so far, answered or not
    try:
        async for batch in uow.answers.stream_current(
            [unit.id for unit in plan.units], plan.year, units_per_batch=UNITS_PER_BATCH
        ):
            unit_ids = sorted({item.answer.unit_id for item in batch})
            files = _file_names(await uow.evidence.for_units(unit_ids, plan.year))
            for unit_id, group in groupby(batch, key=lambda item: item.answer.unit_id):
                at = position.get(unit_id)
                if at is None or at < written:
                    continue  # not asked for, or already written: the repository keeps to the order
                for skipped in plan.units[written:at]:  # units with no answers keep their wide row
                    writer.add_unit(plan.places[skipped.id], ())
                unit = plan.units[at]
                cells = [describe.cell(unit, item, files) for item in describe.order(unit, list(group))]
                writer.add_unit(plan.places[unit.id], cells)
                written = at + 1
            if advance is not None:
                advance(len(batch))
            await asyncio.sleep(0)  # the reads thread's other long reads get their turn between batches
        for skipped in plan.units[written:]:
            writer.add_unit(plan.places[skipped.id], ())
    finally:
        writer.close()
    return writer.rows
