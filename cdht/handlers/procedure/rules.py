"""The procedure's rules: who receives a unit's dossier (configuration), the circular's dates, who acts for the
receiving office, and how a dossier's stage reads."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from cdht.handlers.ports import DossierRecord, DossierStage, PersonRecord, ScopeUnitOfWork, UnitRecord

SEND_BY = {"commune": (2, 28), "district": (4, 30), "province": (7, 31)}
"""Điều 9.1.d, 14.1.d, 19.1.d: the dossier is sent before this day of the year after the evaluated year."""
DONE_BY = {"commune": (3, 31), "district": (5, 31)}
"""Điều 9.3, 14.3: the evaluation and recognition are finished before this day (Điều 19: 20 working days)."""
ANSWERS_FOR = {"village": "commune"}
"""Whose dossier a tier's answers feed when it files none itself: a village's figures are its commune's."""
DOCUMENT_KINDS = {
    "request_letter": "Tờ trình đề nghị công nhận",
    "self_assessment": "Báo cáo tự đánh giá",
    "summary_table": "Bản tổng hợp kết quả đánh giá các tiêu chí, chỉ tiêu",
}
OFFICE_DEPARTMENTS = (None, "phong_gddt", "so_gddt")
"""Who in the receiving unit acts as its education office (Phòng GD&ĐT; Sở GD&ĐT one tier up)."""
SENDING_ROLES = {"commune": "commune_officer", "district": "district_admin", "province": "province_admin"}
STAGE_NAMES = {
    "sent": "đã gửi hồ sơ",
    "returned": "bị trả lại",
    "checked": "đã kiểm tra",
    "with_council": "hội đồng đang thẩm định",
    "passed": "đã quyết định (đạt)",
    "failed": "đã quyết định (không đạt)",
}
ANSWERING = "đang trả lời"
OFFICE_NAMES = {"district": "Phòng Giáo dục và Đào tạo", "province": "Sở Giáo dục và Đào tạo"}


def send_deadline(tier: str, year: int) -> date | None:
    month_day = SEND_BY.get(tier)
    return date(year + 1, *month_day) if month_day else None


def done_deadline(tier: str, year: int) -> date | None:
    month_day = DONE_BY.get(tier)
    return date(year + 1, *month_day) if month_day else None


def answer_deadline(tier: str, year: int) -> date | None:
    """The day a tier's own people answer by: the last day of the month before its dossier is sent (SEND_BY), a
    month for the self-assessment report, the summary table and the meeting that agrees the level (Điều 9.1.b–c,
    14.1.b–c, 19.1.b–c): villages and commune officers 31/01 (commune dossier 28/02, Điều 9.1.d), the district's
    31/03 (30/04, Điều 14.1.d), the province's 30/06 (31/07, Điều 19.1.d). None for a tier that files nothing."""
    send = send_deadline(ANSWERS_FOR.get(tier, tier), year)
    return send.replace(day=1) - timedelta(days=1) if send else None


async def receiving_unit(
    uow: ScopeUnitOfWork, unit: UnitRecord, receivers: Mapping[str, str]
) -> UnitRecord | None:
    """The nearest unit at or above `unit` of the tier that receives its dossier; None when there is none
    (the tree has no such unit, or the tier is not configured)."""
    tier = receivers.get(unit.tier)
    if tier is None:
        return None
    above = await unit_and_ancestors(uow, unit)
    start = 0 if tier == unit.tier else 1
    return next((node for node in above[start:] if node.tier == tier), None)


async def unit_and_ancestors(uow: ScopeUnitOfWork, unit: UnitRecord) -> list[UnitRecord]:
    return await uow.units.ancestors(unit.id)


def may_send(person: PersonRecord, unit: UnitRecord) -> bool:
    """A unit's own officers send its dossier: a commune officer, or one tier up its education office."""
    if person.unit_id != unit.id or SENDING_ROLES.get(unit.tier) != person.role:
        return False
    return unit.tier == "commune" or person.department in OFFICE_DEPARTMENTS


def is_office(person: PersonRecord, dossier: DossierRecord) -> bool:
    """The receiving unit's admins with no department or its education office's."""
    return (
        person.active
        and person.role in ("district_admin", "province_admin")
        and person.unit_id == dossier.receiver_unit_id
        and person.department in OFFICE_DEPARTMENTS
    )


def stage_line(stage: DossierStage | None, tier: str, year: int, today: date) -> str:
    """How far a unit has come (the stage of its latest dossier), and a warning past the circular's dates."""
    if stage is None or stage == "returned":
        label = ANSWERING if stage is None else STAGE_NAMES["returned"]
        deadline = send_deadline(tier, year)
        if deadline and today > deadline:
            return f"{label} — ⚠️ quá hạn gửi hồ sơ (trước ngày {deadline:%d/%m/%Y})"
        return label
    label = STAGE_NAMES[stage]
    finish = done_deadline(tier, year)
    if stage in ("sent", "checked", "with_council") and finish and today > finish:
        return f"{label} — ⚠️ quá hạn hoàn thành đánh giá, công nhận (trước ngày {finish:%d/%m/%Y})"
    return label
