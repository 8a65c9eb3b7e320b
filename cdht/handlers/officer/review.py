"""A commune officer reviews a village's answers: approve them, or return some for fixing with a reason."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.definition.question import Question
from cdht.conversations.engine.reopening import reopen
from cdht.conversations.engine.session import Session
from cdht.conversations.inbound import Command
from cdht.conversations.outbound import Button, OpenApp, OutboundMessage
from cdht.conversations.render.replies import render
from cdht.handlers.flows import ReturnFlow, set_flow
from cdht.handlers.notify import notify
from cdht.handlers.officer.village_status import village_states
from cdht.handlers.ports import (
    AnswerRecord,
    AuditRecord,
    PersonRecord,
    ReviewUnitOfWork,
    UnitOfWork,
    UnitRecord,
    YearRecord,
)
from cdht.handlers.respondent.persistence import ChangeOrigin, persist
from cdht.handlers.respondent.wording import declared

RETURN_FORMAT = re.compile(r"^\s*([\d\s,;]+?)\s*[:\-–]\s*(.+)$", re.DOTALL)
STATUS_LABELS = {"approved": "🟢 đã duyệt", "returned": "↩️ đã trả lại", "submitted": "✅ chờ duyệt"}
NOT_SENT = "✍️ chưa gửi"
ASK_RETURN = "Gõ số thứ tự các câu cần thôn sửa, rồi dấu hai chấm và lý do.\nVí dụ: 2, 4: số công dân chưa khớp sổ hộ khẩu"


def review_page_row(unit: UnitRecord, miniapp: bool) -> tuple[tuple[Button, ...], ...]:
    """The unit's review page in the Mini App, when it is served."""
    return ((Button("🖥 Duyệt trên bảng", OpenApp("review", unit.code)),),) if miniapp else ()


async def list_villages(
    uow: ReviewUnitOfWork, commune: UnitRecord, year: int, *, miniapp: bool = False
) -> OutboundMessage:
    states = await village_states(uow, commune, year)
    lines = [f"📝 Duyệt số liệu năm {year} — {commune.name}", *[s.line() for s in states]]
    buttons = tuple((Button(f"🔎 {s.unit.name}", Command("duyet", s.unit.code)),) for s in states)
    return OutboundMessage(text="\n".join(lines), buttons=buttons + review_page_row(commune, miniapp))


async def answered_questions(
    uow: ReviewUnitOfWork, unit: UnitRecord, year: int, questionnaire_id: str = "village_head"
) -> list[tuple[Question, AnswerRecord]]:
    """The unit's answered questions in questionnaire order, worded as they were asked (the citizens as
    counted: «Số công dân từ 15 tuổi trở lên»); their place in this list is their number in /duyet."""
    latest = await uow.answers.latest(unit.id, year)
    plain = builtin_questionnaires()[questionnaire_id]
    questionnaire = plain.worded(declared(plain, latest))
    return [
        (question, answer)
        for question in questionnaire.questions
        if (answer := latest.get(question.id)) is not None and answer.value is not None
    ]


async def numbered_answers(
    uow: ReviewUnitOfWork, village: UnitRecord, year: int
) -> list[tuple[int, str, str, str]]:
    """(number, question id, name, shown answer) in questionnaire order, for the answered questions."""
    answered = await answered_questions(uow, village, year)
    evidence = await uow.evidence.counts([village.id], year)
    counts = evidence.get(village.id, {})
    rows: list[tuple[int, str, str, str]] = []
    for number, (question, answer) in enumerate(answered, start=1):
        shown = answer.display or str(answer.value)
        files = counts.get(question.fact or question.id, 0) if question.type != "evidence" else 0
        rows.append((number, question.id, question.name, shown + (f" · 📎{files}" if files else "")))
    return rows


async def show_village(
    uow: ReviewUnitOfWork, village: UnitRecord, year: int, *, miniapp: bool = False
) -> OutboundMessage:
    rows = await numbered_answers(uow, village, year)
    review = await uow.years.get(village.id, year)
    status = STATUS_LABELS.get(review.status if review else "", NOT_SENT)
    lines = [f"📋 {village.name} — năm {year} — {status}"]
    lines += [f"{n}. {name}: {shown}" for n, _, name, shown in rows] or ["(chưa có câu trả lời)"]
    buttons = (
        (
            Button("✅ Duyệt", Command("duyet_ok", village.code)),
            Button("↩️ Trả lại", Command("tralai", village.code)),
        ),
    )
    return OutboundMessage(
        text="\n".join(lines), buttons=(buttons if rows else ()) + review_page_row(village, miniapp)
    )


async def approve(
    uow: ReviewUnitOfWork, officer: PersonRecord, village: UnitRecord, year: int, now: datetime
) -> OutboundMessage:
    current = await uow.years.get(village.id, year)
    await uow.years.save(
        YearRecord(village.id, year, "approved", deadline=current.deadline if current else None), now
    )
    await uow.audit.add(
        AuditRecord("approve", now, village.id, year, officer.id, reason="Cán bộ xã duyệt số liệu")
    )
    heads = [p for p in await uow.people.in_units([village.id]) if p.role == "village_head"]
    await notify(
        uow,
        heads,
        [OutboundMessage(text=f"🟢 Số liệu năm {year} của {village.name} đã được xã duyệt. Cảm ơn anh/chị!")],
        now,
    )
    return OutboundMessage(text=f"🟢 Đã duyệt số liệu của {village.name}.")


async def start_return(
    uow: UnitOfWork, officer: PersonRecord, village: UnitRecord, now: datetime
) -> OutboundMessage:
    await set_flow(uow, officer, ReturnFlow(village=village.code), now)
    return OutboundMessage(text=ASK_RETURN, buttons=((Button("❌ Hủy", Command("huy")),),))


class ReturnRefused(ValueError):
    """Answers that cannot be returned as asked (none, unanswered, or no reason); nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def finish_return(
    uow: UnitOfWork,
    officer: PersonRecord,
    village: UnitRecord,
    year: int,
    text: str,
    now: datetime,
    channel: str,
) -> OutboundMessage:
    match = RETURN_FORMAT.match(text)
    rows = await numbered_answers(uow, village, year)
    by_number = {n: qid for n, qid, _, _ in rows}
    numbers = [int(n) for n in re.findall(r"\d+", match.group(1))] if match else []
    if not match or not numbers or any(n not in by_number for n in numbers):
        return OutboundMessage(text=f"⚠️ Chưa đọc được. Các câu có số từ 1 đến {len(rows)}.\n{ASK_RETURN}")
    question_ids = [by_number[n] for n in numbers]
    try:
        return await return_answers(uow, officer, village, year, question_ids, match.group(2), now, channel)
    except ReturnRefused as refused:
        return OutboundMessage(text=f"⚠️ {refused.message}\n{ASK_RETURN}")


async def return_answers(
    uow: UnitOfWork,
    officer: PersonRecord,
    village: UnitRecord,
    year: int,
    question_ids: Sequence[str],
    reason: str,
    now: datetime,
    channel: str,
) -> OutboundMessage:
    """Return these answered questions to the village with a reason: the review state says so, each head's
    session reopens them (withdrawn and audited with the reason) and the head is told; the officer's flow
    ends. `ReturnRefused` when a question is not answered or the reason is empty, before anything is stored."""
    if village.tier != "village":
        raise ReturnRefused("Chỉ trả lại được số liệu của một thôn.")
    reason = reason.strip()
    rows = await numbered_answers(uow, village, year)
    answered = {qid for _, qid, _, _ in rows}
    if not question_ids:
        raise ReturnRefused("Xin chọn ít nhất một câu cần thôn sửa.")
    if any(qid not in answered for qid in question_ids):
        raise ReturnRefused("Chỉ trả lại được các câu thôn đã trả lời.")
    if not reason:
        raise ReturnRefused("Xin ghi lý do trả lại để thôn biết cần sửa gì.")
    question_ids = list(dict.fromkeys(question_ids))
    questionnaire = builtin_questionnaires()["village_head"]
    current = await uow.years.get(village.id, year)
    returned = YearRecord(
        village.id, year, "returned", tuple(question_ids), reason, current.deadline if current else None
    )
    await uow.years.save(returned, now)
    heads = [p for p in await uow.people.in_units([village.id]) if p.role == "village_head"]
    for record in await uow.sessions.for_units([village.id], year, questionnaire.id):
        owner = next((p for p in heads if p.id == record.person_id), None) or await uow.people.get(
            record.person_id
        )
        if owner is None:
            continue
        session, events = reopen(
            Session.model_validate(record.state), questionnaire, question_ids, reason, now=now
        )
        origin = ChangeOrigin(
            owner, officer, village, year, questionnaire, channel, now, returned, reason=reason
        )
        await persist(uow, origin, session, events)
        await notify(uow, [owner], render(events, session, questionnaire), now)
    await set_flow(uow, officer, None, now)
    names = ", ".join(name for _, qid, name, _ in rows if qid in question_ids)
    return OutboundMessage(text=f"↩️ Đã trả lại {village.name} để sửa: {names}. Lý do: {reason}")
