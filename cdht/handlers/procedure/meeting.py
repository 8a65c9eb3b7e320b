"""The self-assessment meeting (TT25 Điều 9.1.c, 14.1.c, 19.1.c) typed in chat: the day, who chaired, who took
part, the level agreed. Kept per unit and year until the dossier is sent (then frozen in it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from cdht.conversations.outbound import OutboundMessage
from cdht.conversations.parsing.answers import Parsed, parse_answer
from cdht.handlers.flows import MeetingFlow, set_flow
from cdht.handlers.ports import AuditRecord, PersonRecord, SelfAssessmentMeeting, UnitOfWork
from cdht.handlers.procedure.rules import may_send

MAX_TEXT = 1000
CANCEL = "Gõ /huy để hủy."


def meeting_key(unit_id: int, year: int) -> str:
    return f"procedure:meeting:{unit_id}:{year}"


def meeting_json(meeting: SelfAssessmentMeeting) -> dict[str, Any]:
    return {
        "held_on": meeting.held_on.isoformat(),
        "chair": meeting.chair,
        "participants": meeting.participants,
        "agreed_level": meeting.agreed_level,
    }


async def load_meeting(uow: UnitOfWork, unit_id: int, year: int) -> SelfAssessmentMeeting | None:
    stored = await uow.key_values.get(meeting_key(unit_id, year))
    if not stored:
        return None
    try:
        return SelfAssessmentMeeting(
            date.fromisoformat(stored["held_on"]),
            str(stored["chair"]),
            str(stored["participants"]),
            int(stored["agreed_level"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def describe(meeting: SelfAssessmentMeeting) -> str:
    return (
        f"📋 Cuộc họp ngày {meeting.held_on:%d/%m/%Y}; chủ trì: {meeting.chair}; "
        f"thành phần: {meeting.participants}; thống nhất đạt mức độ {meeting.agreed_level}."
    )


async def start(uow: UnitOfWork, person: PersonRecord, now: datetime) -> OutboundMessage:
    unit = await uow.units.get(person.unit_id)
    if unit is None or not may_send(person, unit):
        return OutboundMessage(
            text="Xin lỗi, chỉ cán bộ của đơn vị tự đánh giá mới ghi được cuộc họp tự đánh giá."
        )
    await set_flow(uow, person, MeetingFlow(), now)
    return OutboundMessage(
        text=(
            f"📋 Ghi cuộc họp xem xét, thống nhất kết quả tự đánh giá — {unit.name}.\n"
            f"Cuộc họp ngày nào? (ví dụ 15/01/2026) {CANCEL}"
        )
    )


async def step(
    uow: UnitOfWork, person: PersonRecord, flow: MeetingFlow, text: str, now: datetime, today: date, year: int
) -> OutboundMessage:
    if not text:
        return OutboundMessage(text=f"Xin gõ câu trả lời. {CANCEL}")
    if len(text) > MAX_TEXT:
        return OutboundMessage(text=f"Nội dung dài quá (tối đa {MAX_TEXT} ký tự). Xin gõ ngắn gọn hơn.")
    if flow.step == "date":
        parsed = parse_answer("date", text)
        if not isinstance(parsed, Parsed) or not isinstance(parsed.value, date):
            return OutboundMessage(
                text=f"Ngày chưa đúng. Xin gõ theo mẫu ngày/tháng/năm, ví dụ 15/01/2026. {CANCEL}"
            )
        if parsed.value > today:
            return OutboundMessage(text=f"Cuộc họp phải đã diễn ra (không sau hôm nay). {CANCEL}")
        await set_flow(
            uow, person, flow.model_copy(update={"step": "chair", "held_on": parsed.value.isoformat()}), now
        )
        return OutboundMessage(
            text="Ai chủ trì cuộc họp? (họ tên, chức vụ — đại diện lãnh đạo Ủy ban nhân dân)"
        )
    if flow.step == "chair":
        await set_flow(uow, person, flow.model_copy(update={"step": "participants", "chair": text}), now)
        return OutboundMessage(
            text=(
                "Thành phần tham dự? (ví dụ: đại diện lãnh đạo Hội Khuyến học; Ủy ban Mặt trận Tổ quốc Việt Nam; "
                "các tổ chức chính trị - xã hội)"
            )
        )
    if flow.step == "participants":
        await set_flow(uow, person, flow.model_copy(update={"step": "level", "participants": text}), now)
        return OutboundMessage(text="Cuộc họp thống nhất đơn vị đạt mức độ nào? Gõ 1 hoặc 2.")
    parsed = parse_answer("level", text, levels=(1, 2))
    if (
        not isinstance(parsed, Parsed)
        or not isinstance(parsed.value, int)
        or parsed.value not in (1, 2)
        or flow.held_on is None
    ):
        return OutboundMessage(text=f"Mức độ phải là 1 hoặc 2. {CANCEL}")
    meeting = SelfAssessmentMeeting(
        date.fromisoformat(flow.held_on), flow.chair, flow.participants, int(parsed.value)
    )
    await uow.key_values.put(meeting_key(person.unit_id, year), meeting_json(meeting), now)
    await uow.audit.add(
        AuditRecord(
            "self_assessment_meeting",
            now,
            person.unit_id,
            year,
            person.id,
            new_value=describe(meeting),
        )
    )
    await set_flow(uow, person, None, now)
    return OutboundMessage(
        text=f"✅ Đã ghi cuộc họp.\n{describe(meeting)}\nGõ /guihoso để gửi hồ sơ đề nghị công nhận."
    )
