"""The council's conclusion once every member has given their written opinion (TT 25/2023 Điều 9.2.c–đ): the
appraisal report, and either the draft decision for the head of Phòng GD&ĐT to sign or the letter with the
reasons the unit did not pass; the files are stored, the dossier's stage set, Phòng GD&ĐT and the secretary
get them."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from datetime import datetime

from cdht.conversations.outbound import FileRef, OutboundMessage
from cdht.conversations.parsing.folding import fold
from cdht.handlers.context import Services
from cdht.handlers.notify import notify
from cdht.handlers.ports import AuditRecord, PersonRecord, UnitOfWork, file_ref
from cdht.handlers.ports.procedure import (
    CouncilRecord,
    DossierDocument,
    DossierRecord,
    DossierStage,
    OpinionRecord,
)
from cdht.handlers.procedure.rules import OFFICE_NAMES, is_office
from cdht.handlers.procedure.snapshot_view import SnapshotCriterion, criteria_of, unit_name
from cdht.reports.docx.appraisal import (
    Appraisal,
    CriterionVerdict,
    appraisal_report,
    draft_decision,
    failed_reasons,
    refusal_letter,
)
from cdht.reports.labels import in_sentence
from cdht.scoring.facts import valid_through

OUTCOME_NAMES = {
    "appraisal_report": "Báo cáo thẩm định",
    "draft_decision": "Dự thảo Quyết định công nhận",
    "refusal_letter": "Văn bản trả lời nêu rõ lý do không đạt",
}


def accepted(agree: int, disagree: int) -> bool:
    """A criterion is accepted when more than half of the members who answered agree it is met.

    TT 25/2023 Điều 9.2.c says only that the council appraises «bằng văn bản» (by written opinions) and fixes no
    voting rule; the simple majority is this product's rule. Điều 9.2.b makes the council an odd number of
    members, so when all have answered there is no tie."""
    return agree > disagree


def verdicts(
    criteria: Sequence[SnapshotCriterion], opinions: Sequence[OpinionRecord], names: dict[int, str]
) -> tuple[CriterionVerdict, ...]:
    found = []
    for criterion in criteria:
        on_it = [o for o in opinions if o.criterion == criterion.id]
        agree = sum(1 for o in on_it if o.agrees)
        disagree = len(on_it) - agree
        ordered = sorted(on_it, key=lambda o: (o.agrees, o.member_person_id))  # the disagreeing ones first
        comments = tuple(f"{names.get(o.member_person_id, o.member_person_id)}: {o.comment}" for o in ordered)
        found.append(
            CriterionVerdict(
                criterion.id,
                criterion.name,
                criterion.passed,
                agree,
                disagree,
                comments,
                accepted(agree, disagree),
            )
        )
    return tuple(found)


def _place(name: str) -> str:
    """ "Huyện Sơn Hà" -> "Sơn Hà" for the dated line."""
    return re.sub(r"^(Huyện|Quận|Thị xã|Thành phố|Tỉnh)\s+", "", name.strip())


async def appraisal_of(
    uow: UnitOfWork,
    dossier: DossierRecord,
    council: CouncilRecord,
    opinions: Sequence[OpinionRecord],
    now: datetime,
    services: Services,
) -> Appraisal:
    body = await uow.units.get(dossier.receiver_unit_id)
    unit = await uow.units.get(dossier.unit_id)
    people = {m.person_id: await uow.people.get(m.person_id) for m in council.members}
    names = {pid: person.name for pid, person in people.items() if person is not None}
    judged = verdicts(criteria_of(dossier), opinions, names)
    body_name = body.name if body else ""
    signed_on = services.local_date(now)
    return Appraisal(
        unit_name=unit.name if unit else unit_name(dossier),
        tier=unit.tier if unit else "commune",
        year=dossier.year,
        level=dossier.level,
        office=OFFICE_NAMES.get(body.tier if body else "district", "Phòng Giáo dục và Đào tạo"),
        parent_issuer=f"Ủy ban nhân dân {in_sentence(body_name)}" if body_name else "",
        place=_place(body_name),
        signed_on=signed_on,
        members=tuple((names.get(m.person_id, str(m.person_id)), m.role) for m in council.members),
        criteria=judged,
        passed=bool(judged) and all(v.accepted for v in judged),
        dossier_sent_on=services.local_date(dossier.sent_at),
        valid_through=valid_through(dossier.year, signed_on, services.recognition_validity),
    )


def render(appraisal: Appraisal) -> list[tuple[str, str, bytes]]:
    """(kind, file name, bytes) of the outcome documents; CPU-bound, run in a thread."""
    short = fold(appraisal.unit_name).replace(" ", "-")
    files = [
        ("appraisal_report", f"Bao-cao-tham-dinh-{short}-{appraisal.year}.docx", appraisal_report(appraisal))
    ]
    if appraisal.passed:
        files.append(
            ("draft_decision", f"Du-thao-Quyet-dinh-{short}-{appraisal.year}.docx", draft_decision(appraisal))
        )
    else:
        files.append(
            ("refusal_letter", f"Van-ban-tra-loi-{short}-{appraisal.year}.docx", refusal_letter(appraisal))
        )
    return files


def _store(
    files: list[tuple[str, str, bytes]], services: Services
) -> tuple[list[DossierDocument], list[tuple[str, FileRef]]]:
    """Keep each file in the file store (the dossier's record of it); (caption, file) of each to send."""
    documents: list[DossierDocument] = []
    sent: list[tuple[str, FileRef]] = []
    for kind, name, content in files:
        sha256 = services.files.put_bytes(content)
        documents.append(DossierDocument(kind, name, sha256))
        sent.append((OUTCOME_NAMES.get(kind, name), file_ref(sha256, name, content)))
    return documents, sent


async def conclude(
    uow: UnitOfWork,
    dossier: DossierRecord,
    council: CouncilRecord,
    opinions: Sequence[OpinionRecord],
    now: datetime,
    services: Services,
) -> Appraisal:
    """Draft the outcome documents, set the dossier's stage, audit, and send the files to Phòng GD&ĐT and the
    council's secretary."""
    appraisal = await appraisal_of(uow, dossier, council, opinions, now, services)
    files = await asyncio.to_thread(render, appraisal)
    documents, copies = await asyncio.to_thread(_store, files, services)
    stage: DossierStage = "passed" if appraisal.passed else "failed"
    reasons = None if appraisal.passed else "; ".join(failed_reasons(appraisal))
    await uow.dossiers.set_stage(dossier.id, stage, now, reasons=reasons, outcome_documents=tuple(documents))
    await uow.audit.add(
        AuditRecord(
            "council_outcome",
            now,
            dossier.unit_id,
            dossier.year,
            None,
            new_value={
                "dossier": dossier.id,
                "stage": stage,
                "criteria": {v.id: [v.agree, v.disagree] for v in appraisal.criteria},
            },
            reason=reasons,
        )
    )
    if appraisal.passed:
        head = (
            f"🏛 Hội đồng đã thẩm định hồ sơ #{dossier.id} ({appraisal.unit_name}): ĐẠT mức độ {dossier.level}. "
            "Gửi kèm báo cáo thẩm định và dự thảo Quyết định công nhận để Trưởng phòng xem xét, ký. "
            "Khi đã ký, ghi quyết định bằng /congnhan."
        )
    else:
        head = (
            f"🏛 Hội đồng đã thẩm định hồ sơ #{dossier.id} ({appraisal.unit_name}): CHƯA ĐẠT mức độ {dossier.level}. "
            f"Lý do: {reasons}. Gửi kèm báo cáo thẩm định và dự thảo văn bản trả lời xã."
        )
    messages = [OutboundMessage(text=head)] + [
        OutboundMessage(text=caption, attachment=stored, attachment_kind="document")
        for caption, stored in copies
    ]
    await notify(uow, await recipients(uow, dossier, council), messages, now, dedupe=f"outcome:{dossier.id}")
    return appraisal


async def recipients(uow: UnitOfWork, dossier: DossierRecord, council: CouncilRecord) -> list[PersonRecord]:
    """Phòng GD&ĐT of the receiving unit and the council's secretary, each once."""
    found = {p.id: p for p in await uow.people.in_units([dossier.receiver_unit_id]) if is_office(p, dossier)}
    for member in council.members:
        if member.role == "secretary" and member.person_id not in found:
            person = await uow.people.get(member.person_id)
            if person is not None:
                found[person.id] = person
    return list(found.values())
