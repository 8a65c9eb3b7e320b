"""Sending a unit's dossier up (TT25 Điều 9.1.d, 14.1.d, 19.1.d): only for the level the scores reach and the
meeting agreed, after the meeting. Sending freezes it: the three documents are rendered off the event loop and
kept in the file store, the scores and the evidence list are kept as they are, and a content hash covers them
all, so editing an answer later changes nothing sent."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from cdht import reports
from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.context import Services
from cdht.handlers.exports.dossier import area_dossier, commune_dossier, evidence_records
from cdht.handlers.facts_loader import UnitTreeError, load_unit_facts
from cdht.handlers.notify import notify
from cdht.handlers.ports import (
    AuditRecord,
    DossierDocument,
    FileStore,
    PersonRecord,
    ReportUnitOfWork,
    UnitOfWork,
    UnitRecord,
)
from cdht.handlers.procedure.meeting import load_meeting, meeting_json
from cdht.handlers.procedure.rules import (
    DOCUMENT_KINDS,
    OFFICE_DEPARTMENTS,
    STAGE_NAMES,
    may_send,
    receiving_unit,
    send_deadline,
)
from cdht.reports.inputs import CommuneDossier, DistrictDossier
from cdht.reports.labels import in_sentence
from cdht.reports.xlsx.commune import commune_workbook
from cdht.reports.xlsx.district import district_workbook
from cdht.scoring.evaluate import evaluate
from cdht.scoring.facts import RecognitionValidity
from cdht.scoring.report import assessment_to_json
from cdht.scoring.results import Assessment, Status

MAX_GAPS = 8
FILE_NAMES = {
    "request_letter": "to-trinh.docx",
    "self_assessment": "bao-cao-tu-danh-gia.docx",
    "summary_table": "bang-tong-hop.xlsx",
}


async def assess(
    uow: ReportUnitOfWork, unit: UnitRecord, year: int, validity: RecognitionValidity = "assessed_year"
) -> Assessment:
    """The unit's scores now (a seam the tests replace)."""
    return evaluate(await load_unit_facts(uow, unit, year, validity))


@dataclasses.dataclass(frozen=True)
class Gathered:
    assessment: Assessment
    dossier: CommuneDossier | DistrictDossier
    evidence: list[dict[str, Any]]
    answers: dict[str, int]


async def gather(
    uow: ReportUnitOfWork,
    unit: UnitRecord,
    year: int,
    today: date,
    validity: RecognitionValidity = "assessed_year",
) -> Gathered:
    assessment = await assess(uow, unit, year, validity)
    dossier: CommuneDossier | DistrictDossier
    if unit.tier == "commune":
        dossier = await commune_dossier(uow, unit, year, today, assessment)
    else:
        dossier = dataclasses.replace(await area_dossier(uow, unit, year, today), assessment=assessment)
    evidence = [
        {"sha256": e.sha256, "file_name": e.file_name, "indicator": e.indicator_id, "caption": e.caption}
        for e in await evidence_records(uow, unit, year)
    ]
    answers = {qid: record.id for qid, record in (await uow.answers.latest(unit.id, year)).items()}
    return Gathered(assessment, dossier, evidence, answers)


def receiving_office(receiver: UnitRecord) -> str:
    """Điều 9.1.d: a commune sends to «Phòng Giáo dục và Đào tạo» (of its district); Điều 14.1.d: a district to
    «Sở Giáo dục và Đào tạo» (of its province)."""
    office = "Sở Giáo dục và Đào tạo" if receiver.tier == "province" else "Phòng Giáo dục và Đào tạo"
    return f"{office} {in_sentence(receiver.name)}"


def gaps(assessment: Assessment, level: int) -> list[str]:
    """What keeps the unit from `level`: each indicator not passed, with the scoring's explanation."""
    lines = []
    for criterion in assessment.levels[str(level)].criteria:
        for result in criterion.indicators:
            if result.status is Status.PASS:
                continue
            why = "thiếu minh chứng" if result.status is Status.NO_EVIDENCE else result.explanation
            lines.append(f"• {result.id} {result.name}: {why}")
    return lines


def render_and_store(
    dossier: CommuneDossier | DistrictDossier, files: FileStore, stem: str
) -> tuple[DossierDocument, ...]:
    """Runs in a worker thread: the renderers are pure and the file store writes to disk."""
    renderers: dict[str, Callable[[], bytes]] = {
        "request_letter": lambda: reports.request_letter(dossier),  # python-docx: loaded here, in the thread
        "self_assessment": lambda: reports.self_assessment_report(dossier),
        "summary_table": (
            (lambda: commune_workbook(dossier))
            if isinstance(dossier, CommuneDossier)
            else (lambda: district_workbook(dossier))
        ),
    }
    documents = []
    for kind, render in renderers.items():
        sha256 = files.put_bytes(render())
        documents.append(DossierDocument(kind, f"{stem}-{FILE_NAMES[kind]}", sha256))
    return tuple(documents)


def content_hash(snapshot: dict[str, Any], documents: tuple[DossierDocument, ...]) -> str:
    digest = hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode())
    for document in documents:
        digest.update(f"\n{document.kind}:{document.sha256}".encode())
    return digest.hexdigest()


async def send(
    uow: UnitOfWork, person: PersonRecord, arg: str | None, now: datetime, services: Services
) -> OutboundMessage:
    unit = await uow.units.get(person.unit_id)
    if unit is None or unit.tier == "village" or not may_send(person, unit):
        return OutboundMessage(
            text="Xin lỗi, chỉ cán bộ của đơn vị tự đánh giá mới gửi được hồ sơ đề nghị công nhận."
        )
    year = services.year
    meeting = await load_meeting(uow, unit.id, year)
    if meeting is None:
        return OutboundMessage(
            text=(
                "Chưa gửi được: cần ghi cuộc họp xem xét, thống nhất kết quả tự đánh giá trước "
                "(Thông tư 25/2023, Điều 9 khoản 1 điểm c). Gõ /hop để ghi."
            )
        )
    latest = await uow.dossiers.latest(unit.id, year)
    if latest is not None and latest.stage != "returned":
        return OutboundMessage(
            text=(
                f"Hồ sơ năm {year} đã gửi ngày {services.local_date(latest.sent_at):%d/%m/%Y} "
                f"(mức độ {latest.level}), hiện {STAGE_NAMES[latest.stage]}. Chỉ gửi lại được khi hồ sơ bị trả lại."
            )
        )
    level = meeting.agreed_level
    if arg:
        if arg.strip() not in ("1", "2"):
            return OutboundMessage(text="Mức độ phải là 1 hoặc 2, ví dụ /guihoso 1.")
        if int(arg) != level:
            return OutboundMessage(
                text=f"Cuộc họp tự đánh giá đã thống nhất mức độ {level}. Muốn đổi, xin gõ /hop để ghi lại cuộc họp."
            )
    receiver = await receiving_unit(uow, unit, services.dossier_receivers)
    if receiver is None:
        return OutboundMessage(
            text="Chưa xác định được cơ quan tiếp nhận hồ sơ của đơn vị. Xin báo quản trị viên."
        )
    today = services.local_date(now)
    try:
        gathered = await services.long_read(
            uow, lambda reader: gather(reader, unit, year, today, services.recognition_validity)
        )
    except UnitTreeError as broken:
        return OutboundMessage(text=f"⚠️ {broken}")
    gathered = dataclasses.replace(  # the tờ trình's «Kính gửi»: the office that receives it
        gathered,
        dossier=dataclasses.replace(
            gathered.dossier,
            signing=dataclasses.replace(gathered.dossier.signing, recipient=receiving_office(receiver)),
        ),
    )
    if gathered.assessment.level < level:
        missing = gaps(gathered.assessment, level)
        more = f"\n… và {len(missing) - MAX_GAPS} chỉ tiêu khác." if len(missing) > MAX_GAPS else ""
        return OutboundMessage(
            text=(
                f"Xin lỗi, theo kết quả chấm hiện tại {unit.name} chưa đạt mức độ {level}, nên chưa gửi hồ sơ "
                f"đề nghị công nhận mức độ này được (Điều 9 khoản 1 điểm d: chỉ đề nghị ở mức độ đáp ứng đầy đủ). "
                f"Còn thiếu:\n" + "\n".join(missing[:MAX_GAPS]) + more
            )
        )
    documents = await asyncio.to_thread(
        render_and_store, gathered.dossier, services.files, f"{unit.code}-{year}"
    )
    snapshot: dict[str, Any] = {
        "assessment": assessment_to_json(gathered.assessment),
        "evidence": gathered.evidence,
        "answers": gathered.answers,
        "meeting": meeting_json(meeting),
    }
    digest = content_hash(snapshot, documents)
    dossier = await uow.dossiers.add(
        unit_id=unit.id,
        year=year,
        level=level,
        receiver_unit_id=receiver.id,
        meeting=meeting,
        snapshot=snapshot,
        documents=documents,
        content_hash=digest,
        sent_by=person.id,
        now=now,
    )
    await uow.audit.add(
        AuditRecord(
            "dossier_sent",
            now,
            unit.id,
            year,
            person.id,
            new_value=f"hồ sơ #{dossier.id}; mức độ {level}; gửi {receiver.name}; mã băm {digest[:16]}",
        )
    )
    office = [
        p
        for p in await uow.people.in_units([receiver.id])
        if p.role in ("district_admin", "province_admin") and p.department in OFFICE_DEPARTMENTS
    ]
    await notify(
        uow,
        office,
        [
            OutboundMessage(
                text=(
                    f"📥 {unit.name} gửi hồ sơ đề nghị công nhận “Cộng đồng học tập” mức độ {level} năm {year}. "
                    f"Gõ /hoso để tiếp nhận, rà soát, kiểm tra."
                )
            )
        ],
        now,
        dedupe=f"dossier-sent:{dossier.id}",
    )
    deadline = send_deadline(unit.tier, year)
    late = f"\n⚠️ Hồ sơ gửi sau hạn {deadline:%d/%m/%Y}." if deadline and today > deadline else ""
    names = "\n".join(f"• {DOCUMENT_KINDS[d.kind]}" for d in documents)
    return OutboundMessage(
        text=(
            f"✅ Đã gửi hồ sơ đề nghị công nhận mức độ {level} năm {year} đến {receiver.name}.\n{names}\n"
            f"Hồ sơ đã được cố định (mã {digest[:16]}); sửa câu trả lời sau này không làm thay đổi hồ sơ đã gửi.{late}"
        )
    )
