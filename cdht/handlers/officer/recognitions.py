"""Recognition decisions (quyết định công nhận): recording them, and what follows from one (TT25 Điều 9–10)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from cdht.conversations.outbound import OutboundMessage
from cdht.conversations.parsing.answers import Parsed, parse_answer
from cdht.handlers.ports import (
    AuditRecord,
    DossierRecord,
    PersonRecord,
    RecognitionRecord,
    RecognitionUnitOfWork,
    UnitRecord,
)
from cdht.handlers.procedure.rules import send_deadline
from cdht.handlers.scope import unit_in_scope
from cdht.scoring.facts import RecognitionValidity, valid_through

FORMAT_HELP = (
    "Gõ theo mẫu: mã đơn vị; mức độ; số quyết định; ngày quyết định; năm được công nhận; cơ quan ra quyết định\n"
    "Ví dụ: DEMO-SH-X1; 1; 45/QĐ-UBND; 20/03/2025; 2024; UBND huyện Sơn Hà"
)


@dataclass(frozen=True)
class Validity:
    valid_through_year: int  # «bảo lưu trong thời hạn 3 năm» as settings read it (FACTS.md "Recognitions")
    level_two_from: date | None  # a level-1 unit may ask for level 2 twelve months after its decision
    renewal_dossier_by: date  # the dossier for re-recognition: the tier's date after the last valid year


def validity(
    decision: RecognitionRecord, tier: str, reading: RecognitionValidity = "assessed_year"
) -> Validity:
    level_two = None
    if decision.level == 1:
        try:
            level_two = decision.decided_on.replace(year=decision.decided_on.year + 1)
        except ValueError:  # 29/02
            level_two = date(decision.decided_on.year + 1, 3, 1)
    last = valid_through(decision.year, decision.decided_on, reading)
    renewal = send_deadline(tier, last) or date(last + 1, 2, 28)  # Điều 9.1.d, 14.1.d, 19.1.d
    return Validity(last, level_two, renewal)


def describe(
    unit: UnitRecord, decision: RecognitionRecord, reading: RecognitionValidity = "assessed_year"
) -> str:
    facts = validity(decision, unit.tier, reading)
    lines = [
        f"🏅 {unit.name}: mức độ {decision.level} năm {decision.year} — QĐ {decision.decision_number} "
        f"ngày {decision.decided_on:%d/%m/%Y} ({decision.body}).",
        f"Kết quả công nhận được bảo lưu đến hết năm {facts.valid_through_year}; hồ sơ đề nghị công nhận lại "
        f"gửi trước ngày {facts.renewal_dossier_by:%d/%m/%Y}.",
    ]
    if facts.level_two_from:
        lines.append(f"Có thể đề nghị công nhận mức độ 2 từ ngày {facts.level_two_from:%d/%m/%Y}.")
    return "\n".join(lines)


class RecognitionInputError(ValueError):
    pass


def parse_decision_line(text: str) -> tuple[str, int, str, date, int, str]:
    parts = [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]
    if len(parts) < 5:
        raise RecognitionInputError("Thiếu thông tin.")
    code, level_text, number, day_text, year_text = parts[:5]
    body = parts[5] if len(parts) > 5 else ""
    level = parse_answer("level", level_text, levels=(1, 2))
    day = parse_answer("date", day_text)
    if not isinstance(level, Parsed) or not isinstance(level.value, int):
        raise RecognitionInputError("Mức độ phải là 1 hoặc 2.")
    if not isinstance(day, Parsed) or not isinstance(day.value, date):
        raise RecognitionInputError("Ngày quyết định chưa đúng (ví dụ 20/03/2025).")
    if not year_text.isdigit() or not 2000 <= int(year_text) <= day.value.year:
        raise RecognitionInputError("Năm được công nhận phải là một năm, không sau ngày quyết định.")
    return code, level.value, number[:64], day.value, int(year_text), body[:255]


async def record(
    uow: RecognitionUnitOfWork,
    admin: PersonRecord | None,
    unit: UnitRecord,
    decision: RecognitionRecord,
    now: datetime,
) -> RecognitionRecord:
    """Store a decision and audit it; `admin` is None when it comes from the command line. The decision is
    linked (in the audit entry) to the unit's dossier of that year, when the council found it passed."""
    saved = await uow.recognitions.add(decision, now)
    dossier = await decided_dossier(uow, unit, decision)
    linked = f"; hồ sơ #{dossier.id}" if dossier else ""
    await uow.audit.add(
        AuditRecord(
            "recognition",
            now,
            unit.id,
            decision.year,
            admin.id if admin else None,
            new_value=f"mức độ {decision.level}; {decision.decision_number}; {decision.decided_on:%d/%m/%Y}"
            + linked,
        )
    )
    return saved


async def decided_dossier(
    uow: RecognitionUnitOfWork, unit: UnitRecord, decision: RecognitionRecord
) -> DossierRecord | None:
    """The dossier the decision answers: the unit's latest of that year, passed by the council at that level."""
    dossier = await uow.dossiers.latest(unit.id, decision.year)
    if dossier is None or dossier.stage != "passed" or dossier.level != decision.level:
        return None
    return dossier


async def record_from_text(
    uow: RecognitionUnitOfWork,
    admin: PersonRecord,
    text: str,
    now: datetime,
    reading: RecognitionValidity = "assessed_year",
) -> OutboundMessage:
    try:
        code, level, number, decided_on, year, body = parse_decision_line(text)
    except RecognitionInputError as error:
        return OutboundMessage(text=f"⚠️ {error}\n{FORMAT_HELP}")
    unit = await unit_in_scope(uow, admin, code)
    if unit is None or unit.id == admin.unit_id or unit.tier == "village":
        return OutboundMessage(text=f"⚠️ Không có đơn vị {code} trực thuộc đơn vị của anh/chị.\n{FORMAT_HELP}")
    decision = RecognitionRecord(unit.id, year, level, number, decided_on, body or "")
    known = await uow.recognitions.for_units([unit.id])
    if any(d.year == year and d.decision_number == number for d in known):
        return OutboundMessage(text="Quyết định này đã được ghi trước đó.")
    await record(uow, admin, unit, decision, now)
    dossier = await decided_dossier(uow, unit, decision)
    linked = (
        f"\nGắn với hồ sơ đề nghị công nhận #{dossier.id} (Hội đồng đã thẩm định đạt)." if dossier else ""
    )
    return OutboundMessage(text="✅ Đã ghi quyết định.\n" + describe(unit, decision, reading) + linked)
