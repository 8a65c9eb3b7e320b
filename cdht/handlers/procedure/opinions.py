"""The council's written opinions (TT 25/2023 Điều 9.2.c «lấy ý kiến bằng văn bản»): Phòng GD&ĐT sends a
checked dossier to the council; each member reads the commune's summary and documents and records, criterion by
criterion, whether they agree it is met, with a comment. Members see only the dossiers of councils they sit on;
the secretary (and Phòng GD&ĐT) see who has answered."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from cdht.conversations.inbound import Command
from cdht.conversations.outbound import Button, FileRef, OutboundMessage
from cdht.conversations.parsing.folding import fold
from cdht.handlers.context import Services
from cdht.handlers.exports.jobs import queue_job
from cdht.handlers.flows import OpinionFlow, set_flow
from cdht.handlers.notify import notify
from cdht.handlers.ports import AuditRecord, FileStore, PersonRecord, UnitOfWork, file_ref
from cdht.handlers.ports.procedure import (
    CouncilRecord,
    DossierDocument,
    DossierRecord,
    DossierStage,
    OpinionRecord,
)
from cdht.handlers.procedure.council import ROLE_NAMES, runs_the_procedure
from cdht.handlers.procedure.outcome import conclude
from cdht.handlers.procedure.rules import is_office
from cdht.handlers.procedure.snapshot_view import SnapshotCriterion, criteria_of, unit_name

VISIBLE: tuple[DossierStage, ...] = ("with_council", "passed", "failed")
NOT_YOURS = OutboundMessage(text="Xin lỗi, hồ sơ này không thuộc Hội đồng anh/chị tham gia.")


async def council_of(uow: UnitOfWork, dossier: DossierRecord) -> CouncilRecord | None:
    return await uow.councils.for_body(dossier.receiver_unit_id, dossier.year)


def _member(council: CouncilRecord | None, person: PersonRecord) -> bool:
    return council is not None and any(m.person_id == person.id for m in council.members)


def _sees_status(council: CouncilRecord, person: PersonRecord, dossier: DossierRecord) -> bool:
    """The secretary and the chair follow the answers, and so does the receiving office."""
    roles = {m.person_id: m.role for m in council.members}
    return roles.get(person.id) in ("secretary", "chair") or is_office(person, dossier)


def answered(opinions: list[OpinionRecord], criteria: list[SnapshotCriterion], person_id: int) -> int:
    ids = {c.id for c in criteria}
    return len({o.criterion for o in opinions if o.member_person_id == person_id and o.criterion in ids})


def complete(
    opinions: list[OpinionRecord], criteria: list[SnapshotCriterion], council: CouncilRecord
) -> bool:
    return all(answered(opinions, criteria, m.person_id) == len(criteria) for m in council.members)


def summary(dossier: DossierRecord) -> str:
    """The commune's summary a member reads: the level asked and each criterion's self-assessed result."""
    lines = [
        f"📂 Hồ sơ #{dossier.id}: {unit_name(dossier)} đề nghị công nhận mức độ {dossier.level} "
        f"năm {dossier.year} (gửi ngày {dossier.sent_at:%d/%m/%Y}).",
        "Kết quả tự đánh giá:",
    ]
    for criterion in criteria_of(dossier):
        mark = "✅ đạt" if criterion.passed else "❌ không đạt"
        lines.append(f"- Tiêu chí {criterion.id}. {criterion.name}: {mark}")
    return "\n".join(lines)


def _buttons(dossier: DossierRecord) -> tuple[tuple[Button, ...], ...]:
    return (
        (Button("📄 Xem tài liệu", Command("hd_tailieu", str(dossier.id))),),
        (Button("✍️ Cho ý kiến", Command("yk", str(dossier.id))),),
    )


async def _dossier_for(uow: UnitOfWork, arg: str | None) -> DossierRecord | None:
    text = (arg or "").strip().lstrip("#")
    return await uow.dossiers.get(int(text)) if text.isdigit() and len(text) < 12 else None


async def send_to_council(
    uow: UnitOfWork, admin: PersonRecord, arg: str | None, now: datetime
) -> OutboundMessage:
    """Phòng GD&ĐT sends a checked dossier to its council for written opinions; each member is told."""
    dossier = await _dossier_for(uow, arg)
    if dossier is None or not is_office(admin, dossier) or not runs_the_procedure(admin):
        return OutboundMessage(text="Không tìm thấy hồ sơ này trong các hồ sơ đơn vị của anh/chị tiếp nhận.")
    if dossier.stage != "checked":
        return OutboundMessage(text="Chỉ gửi Hội đồng hồ sơ đã kiểm tra đầy đủ (chưa gửi Hội đồng lần nào).")
    council = await council_of(uow, dossier)
    if council is None:
        return OutboundMessage(text=f"Chưa lập Hội đồng đánh giá năm {dossier.year}. Gõ /hoidong để lập.")
    await uow.dossiers.set_stage(dossier.id, "with_council", now)
    await uow.audit.add(
        AuditRecord("dossier_to_council", now, dossier.unit_id, dossier.year, admin.id, new_value=dossier.id)
    )
    members = [p for m in council.members if (p := await uow.people.get(m.person_id)) is not None]
    asked = OutboundMessage(
        text=summary(dossier) + "\n\nĐề nghị anh/chị cho ý kiến bằng văn bản về từng tiêu chí "
        "(đồng ý hoặc không đồng ý là đạt, kèm ý kiến).",
        buttons=_buttons(dossier),
    )
    reached = await notify(uow, members, [asked], now, dedupe=f"council:{dossier.id}")
    return OutboundMessage(
        text=f"✅ Đã gửi hồ sơ #{dossier.id} tới {len(members)} thành viên Hội đồng ({reached} tài khoản nhận tin)."
    )


async def overview(uow: UnitOfWork, person: PersonRecord, year: int) -> list[OutboundMessage]:
    """/ykien: the dossiers the person appraises (with their own progress), who has answered when they follow
    the answers, and for Phòng GD&ĐT the checked dossiers waiting to go to the council."""
    messages: list[OutboundMessage] = []
    for council in await uow.councils.of_member(person.id, year):
        for dossier in await uow.dossiers.for_receiver(council.body_unit_id, year, VISIBLE):
            messages.append(await _status(uow, person, council, dossier))
    if runs_the_procedure(person):
        own = await uow.councils.for_body(person.unit_id, year)
        shown = {m.text for m in messages}
        for dossier in await uow.dossiers.for_receiver(person.unit_id, year, VISIBLE):
            if own is not None and not _member(own, person):
                message = await _status(uow, person, own, dossier)
                if message.text not in shown:
                    messages.append(message)
        for dossier in await uow.dossiers.for_receiver(person.unit_id, year, ("checked",)):
            messages.append(
                OutboundMessage(
                    text=f"📥 Hồ sơ #{dossier.id} ({unit_name(dossier)}, mức độ {dossier.level}) đã kiểm tra, "
                    "chờ gửi Hội đồng lấy ý kiến.",
                    buttons=((Button("📨 Gửi Hội đồng", Command("hd_gui", str(dossier.id))),),),
                )
            )
    return messages or [OutboundMessage(text="Hiện không có hồ sơ nào cần anh/chị cho ý kiến.")]


async def _status(
    uow: UnitOfWork, person: PersonRecord, council: CouncilRecord, dossier: DossierRecord
) -> OutboundMessage:
    criteria = criteria_of(dossier)
    opinions = await uow.opinions.for_dossier(dossier.id)
    lines = [f"📂 Hồ sơ #{dossier.id}: {unit_name(dossier)}, mức độ {dossier.level} — {_stage(dossier)}"]
    if _member(council, person):
        lines.append(
            f"Anh/chị đã cho ý kiến {answered(opinions, criteria, person.id)}/{len(criteria)} tiêu chí."
        )
    if _sees_status(council, person, dossier):
        for member in council.members:
            someone = await uow.people.get(member.person_id)
            count = answered(opinions, criteria, member.person_id)
            mark = "✅" if count == len(criteria) else "⏳"
            lines.append(
                f"{mark} {someone.name if someone else member.person_id} ({ROLE_NAMES[member.role]}): "
                f"{count}/{len(criteria)}"
            )
    buttons = _buttons(dossier) if _member(council, person) and dossier.stage == "with_council" else ()
    return OutboundMessage(text="\n".join(lines), buttons=buttons)


def _stage(dossier: DossierRecord) -> str:
    return {
        "with_council": "đang lấy ý kiến",
        "passed": "Hội đồng kết luận đạt",
        "failed": "Hội đồng kết luận chưa đạt",
    }.get(dossier.stage, dossier.stage)


async def _allowed(
    uow: UnitOfWork, person: PersonRecord, arg: str | None
) -> tuple[DossierRecord, CouncilRecord] | None:
    """The dossier and its council when the person sits on that council and the dossier went to it."""
    dossier = await _dossier_for(uow, arg)
    if dossier is None or dossier.stage not in VISIBLE:
        return None
    council = await council_of(uow, dossier)
    if council is None or not (_member(council, person) or is_office(person, dossier)):
        return None
    return dossier, council


async def documents(
    uow: UnitOfWork, person: PersonRecord, arg: str | None, now: datetime, services: Services, channel: str
) -> list[OutboundMessage]:
    """The frozen files of the dossier (and its outcome), the list of its evidence, and the evidence itself as
    a ZIP made by a job from the files the dossier was sent with."""
    found = await _allowed(uow, person, arg)
    if found is None:
        return [NOT_YOURS]
    dossier, _ = found
    files = (*dossier.documents, *dossier.outcome_documents)
    messages = [OutboundMessage(text=summary(dossier))]
    for caption, stored in await asyncio.to_thread(_present, files, services.files):
        messages.append(OutboundMessage(text=caption, attachment=stored, attachment_kind="document"))
    evidence = _evidence_lines(dossier)
    if evidence:
        messages.append(OutboundMessage(text="Minh chứng kèm hồ sơ:\n" + "\n".join(evidence[:50])))
        unit = await uow.units.get(dossier.unit_id)
        if unit is not None:
            params = {"unit": unit.code, "year": dossier.year, "format": "zip", "dossier": dossier.id}
            await queue_job(uow, person, "export", params, channel, now)
            messages.append(
                OutboundMessage(text="⏳ Đang đóng gói minh chứng (ZIP), bot sẽ gửi ngay khi xong.")
            )
    return messages


def _present(files: tuple[DossierDocument, ...], store: FileStore) -> list[tuple[str, FileRef]]:
    """(caption, file) of the stored files still in the store, under readable names (runs in a thread)."""
    found = []
    for document in files:
        if not store.exists(document.sha256):
            continue
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", fold(document.name)).strip("-")[:80] or "tep"
        found.append((document.name, file_ref(document.sha256, name)))
    return found


def _evidence_lines(dossier: DossierRecord) -> list[str]:
    listed = dossier.snapshot.get("evidence", [])
    lines = []
    for item in listed if isinstance(listed, list) else []:
        if isinstance(item, dict):
            question = item.get("question_id") or item.get("indicator") or ""
            label = item.get("name") or item.get("file_name") or item.get("sha256", "")[:12]
            lines.append(f"- {question}: {label}".strip())
        else:
            lines.append(f"- {item}")
    return lines


# --- recording opinions -------------------------------------------------------------------------------------


def _ask(dossier: DossierRecord, criterion: SnapshotCriterion, position: int, total: int) -> OutboundMessage:
    mark = "đạt" if criterion.passed else "không đạt"
    details = "\n".join(f"  • {line}" for line in criterion.explanations if line)
    choose = f"{dossier.id}:{criterion.id}"
    return OutboundMessage(
        text=f"✍️ Hồ sơ #{dossier.id} — tiêu chí {position}/{total}: Tiêu chí {criterion.id}. {criterion.name}\n"
        f"Xã tự đánh giá: {mark}.\n{details}\n\n"
        "Anh/chị có đồng ý tiêu chí này đạt không? Bấm nút, hoặc gõ «đồng ý: ý kiến» / «không đồng ý: ý kiến».",
        buttons=(
            (
                Button("👍 Đồng ý", Command("yk_chon", f"{choose}:1")),
                Button("👎 Không đồng ý", Command("yk_chon", f"{choose}:0")),
            ),
        ),
    )


async def start(uow: UnitOfWork, person: PersonRecord, arg: str | None, now: datetime) -> OutboundMessage:
    """yk <dossier>: the first criterion the member has not answered (the first one when all are)."""
    found = await _allowed(uow, person, arg)
    if found is None or not _member(found[1], person):
        return NOT_YOURS
    dossier, _ = found
    if dossier.stage != "with_council":
        return OutboundMessage(text="Hội đồng đã kết luận hồ sơ này; không nhận thêm ý kiến.")
    criteria = criteria_of(dossier)
    if not criteria:
        return OutboundMessage(text="Hồ sơ này không có kết quả tiêu chí để cho ý kiến.")
    mine = {
        o.criterion for o in await uow.opinions.for_dossier(dossier.id) if o.member_person_id == person.id
    }
    position = next((i for i, c in enumerate(criteria) if c.id not in mine), 0)
    await set_flow(uow, person, OpinionFlow(dossier=dossier.id, criterion=criteria[position].id), now)
    return _ask(dossier, criteria[position], position + 1, len(criteria))


async def choose(
    uow: UnitOfWork, person: PersonRecord, arg: str | None, now: datetime, services: Services
) -> OutboundMessage:
    """yk_chon <dossier>:<criterion>:<1|0>: the member's choice; their comment comes next."""
    dossier_text, _, rest = (arg or "").partition(":")
    criterion, _, choice = rest.partition(":")
    found = await _allowed(uow, person, dossier_text)
    if found is None or not _member(found[1], person) or choice not in ("0", "1"):
        return NOT_YOURS
    dossier, _ = found
    if dossier.stage != "with_council":
        return OutboundMessage(text="Hội đồng đã kết luận hồ sơ này; không nhận thêm ý kiến.")
    if criterion not in {c.id for c in criteria_of(dossier)}:
        return OutboundMessage(text="Tiêu chí này không có trong hồ sơ.")
    await set_flow(
        uow, person, OpinionFlow(dossier=dossier.id, criterion=criterion, agrees=choice == "1"), now
    )
    word = "đồng ý" if choice == "1" else "không đồng ý"
    return OutboundMessage(
        text=f"Anh/chị {word} tiêu chí {criterion} đạt. Xin gõ ý kiến (lý do, nhận xét); gõ «-» nếu không có."
    )


_AGREE = re.compile(
    r"^\s*(khong dong y|không đồng ý|dong y|đồng ý)\s*[:,.\-–]?\s*(.*)$", re.IGNORECASE | re.DOTALL
)


def parse_opinion(text: str) -> tuple[bool, str] | None:
    """«đồng ý: ...» / «không đồng ý: ...» typed in one message."""
    match = _AGREE.match(text)
    if match is None:
        return None
    return not fold(match.group(1)).startswith("khong"), match.group(2).strip()


async def step(
    uow: UnitOfWork, person: PersonRecord, flow: OpinionFlow, text: str, now: datetime, services: Services
) -> OutboundMessage:
    """The member's message while giving opinions: the comment after a button, or a whole typed opinion."""
    found = await _allowed(uow, person, str(flow.dossier))
    if found is None or not _member(found[1], person) or found[0].stage != "with_council":
        await set_flow(uow, person, None, now)
        return OutboundMessage(text="Hồ sơ này không còn nhận ý kiến. Đã kết thúc.")
    dossier, council = found
    if flow.agrees is None:
        typed = parse_opinion(text)
        if typed is None:
            return OutboundMessage(
                text="Xin bấm «Đồng ý» hoặc «Không đồng ý», hoặc gõ «đồng ý: ý kiến» / «không đồng ý: ý kiến». "
                "Gõ /huy để dừng."
            )
        agrees, comment = typed
    else:
        agrees, comment = flow.agrees, ("" if text.strip() in ("-", "–") else text.strip())
    if not agrees and not comment:
        return OutboundMessage(
            text="Khi không đồng ý, xin ghi rõ lý do để Hội đồng nêu trong văn bản trả lời."
        )
    await uow.opinions.record(dossier.id, person.id, flow.criterion, agrees, comment[:2000], now)
    await uow.audit.add(
        AuditRecord(
            "council_opinion",
            now,
            dossier.unit_id,
            dossier.year,
            person.id,
            question_id=f"tc{flow.criterion}",
            new_value={"dossier": dossier.id, "agrees": agrees, "comment": comment[:2000]},
        )
    )
    saved = f"✅ Đã ghi ý kiến tiêu chí {flow.criterion}: {'đồng ý' if agrees else 'không đồng ý'}."
    criteria = criteria_of(dossier)
    opinions = await uow.opinions.for_dossier(dossier.id)
    mine = {o.criterion for o in opinions if o.member_person_id == person.id}
    ids = [c.id for c in criteria]
    after = ids.index(flow.criterion) + 1 if flow.criterion in ids else 0
    remaining = [i for i in (*ids[after:], *ids[:after]) if i not in mine]
    if remaining:
        position = ids.index(remaining[0])
        await set_flow(uow, person, OpinionFlow(dossier=dossier.id, criterion=remaining[0]), now)
        asked = _ask(dossier, criteria[position], position + 1, len(criteria))
        return OutboundMessage(text=f"{saved}\n\n{asked.text}", buttons=asked.buttons)
    await set_flow(uow, person, None, now)
    if complete(opinions, criteria, council):
        await conclude(uow, dossier, council, opinions, now, services)
        return OutboundMessage(
            text=f"{saved}\nAnh/chị đã cho ý kiến đủ các tiêu chí. Mọi thành viên đã trả lời: Hội đồng đã kết luận "
            "và gửi dự thảo văn bản tới Phòng Giáo dục và Đào tạo. Cảm ơn anh/chị."
        )
    return OutboundMessage(
        text=f"{saved}\nAnh/chị đã cho ý kiến đủ các tiêu chí; có thể sửa bằng nút «Cho ý kiến». Cảm ơn anh/chị.",
        buttons=((Button("✍️ Sửa ý kiến", Command("yk", str(dossier.id))),),),
    )
