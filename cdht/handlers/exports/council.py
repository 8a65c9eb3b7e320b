"""The council's part of a unit's export (TT 25/2023 Điều 9.2.c–đ): the written opinions on the unit's latest
dossier as a workbook, and the appraisal report and outcome documents as the council's files stored them."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from cdht.handlers.ports import FileStore, ReportUnitOfWork, UnitRecord
from cdht.handlers.procedure.council import ROLE_NAMES
from cdht.handlers.procedure.outcome import OUTCOME_NAMES
from cdht.handlers.procedure.snapshot_view import criteria_of
from cdht.reports.xlsx.opinions import OpinionRow, opinions_workbook

Part = tuple[str, str, Callable[[], bytes]]  # file name, caption, renderer (run in a thread)
NOTHING_YET = "Chưa có ý kiến Hội đồng về hồ sơ của {unit} năm {year}."


async def council_parts(
    uow: ReportUnitOfWork, unit: UnitRecord, year: int, stem: str, files: FileStore
) -> tuple[Part, ...] | str:
    """The files, or why there are none yet (a sentence for the person who asked)."""
    dossier = await uow.dossiers.latest(unit.id, year)
    if dossier is None:
        return NOTHING_YET.format(unit=unit.name, year=year)
    opinions = await uow.opinions.for_dossier(dossier.id)
    if not opinions:
        return NOTHING_YET.format(unit=unit.name, year=year)
    council = await uow.councils.for_body(dossier.receiver_unit_id, dossier.year)
    roles = {m.person_id: ROLE_NAMES[m.role] for m in council.members} if council else {}
    people = {pid: await uow.people.get(pid) for pid in sorted({o.member_person_id for o in opinions})}
    criteria = {c.id: f"Tiêu chí {c.id}. {c.name}" for c in criteria_of(dossier)}
    rows = [
        OpinionRow(
            member=(person.name if (person := people.get(o.member_person_id)) else str(o.member_person_id)),
            role=roles.get(o.member_person_id, ""),
            criterion=criteria.get(o.criterion, f"Tiêu chí {o.criterion}"),
            agrees=o.agrees,
            comment=o.comment,
            when=o.recorded_at,
        )
        for o in opinions
    ]
    parts: list[Part] = [
        (
            f"{stem}-y-kien-hoi-dong.xlsx",
            f"🏛 Ý kiến Hội đồng — {unit.name}",
            partial(opinions_workbook, unit.name, year, dossier.id, rows),
        )
    ]
    for document in dossier.outcome_documents:
        parts.append(
            (
                f"{stem}-{document.name}",
                f"🏛 {OUTCOME_NAMES.get(document.kind, document.name)} — {unit.name}",
                partial(files.read_bytes, document.sha256),
            )
        )
    return tuple(parts)
