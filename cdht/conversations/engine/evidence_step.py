"""Photos and files sent as evidence: attach, acknowledge an album once, finish with "xong"."""

from __future__ import annotations

import re

from cdht.conversations.definition.hints import example_for
from cdht.conversations.definition.question import Question
from cdht.conversations.engine.answer_step import record
from cdht.conversations.engine.events import AnswerRejected, EvidenceAttached, Notice
from cdht.conversations.engine.session import EvidenceRef
from cdht.conversations.engine.turn import Turn
from cdht.conversations.inbound import Media

_INDICATOR = re.compile(r"^\d+\.\d+$")
NOTHING_WAITS = "Hiện không có câu hỏi nào đang chờ ảnh. Gõ «sửa N» để bổ sung minh chứng cho câu số N."


def receive_media(turn: Turn, media: Media) -> None:
    """One photo or file. An album arrives as several Media with one group_id: attach each, acknowledge once."""
    session = turn.session
    same_group = media.group_id is not None and media.group_id == session.last_media_group
    session.last_media_group = media.group_id
    question = turn.current
    if question is None:
        if not same_group:
            turn.emit(Notice(NOTHING_WAITS, code="media_unexpected"))
        return
    target = turn.evidence_target(question)
    if target is None:
        if not same_group:
            reason = "Câu này không cần ảnh hay tệp. Xin trả lời bằng chữ hoặc bấm nút."
            turn.emit(AnswerRejected(question.id, reason, example_for(question)))
        return
    ref = EvidenceRef.from_media(media, turn.now)
    refs = session.evidence.setdefault(target, [])
    if not any(existing.same_file(ref) for existing in refs):
        refs.append(ref)
        backed = turn.questionnaire.question(target)
        evidence_for = backed.evidence_for if backed.type == "evidence" else backed.id
        turn.emit(EvidenceAttached(target, media, evidence_for=evidence_for))
    if not same_group:
        turn.ask(question.id, acknowledges_file=True)


def finish_evidence(turn: Turn, question: Question) -> bool:
    """ "Xong" on an evidence question: record the number of files. False when nothing was sent and the
    question is not optional (the caller then refuses politely)."""
    count = len(turn.session.evidence.get(question.id, []))
    if count > 0:
        record(turn, question, count)
        return True
    if question.required or question.evidence == "expected":
        reason = "Chưa nhận được ảnh hay tệp nào. Xin gửi ảnh, hoặc bấm «Bỏ qua» / «Để sau» nếu chưa có."
        turn.emit(AnswerRejected(question.id, reason, example_for(question)))
        return True
    return False


def warn_if_evidence_missing(turn: Turn, question: Question) -> None:
    """Skipping or deferring expected evidence is allowed, with a warning: no evidence, no pass."""
    if (
        question.type != "evidence"
        or question.evidence != "expected"
        or turn.session.evidence.get(question.id)
    ):
        return
    backed = turn.questionnaire.get(question.evidence_for) if question.evidence_for else None
    if backed is not None and backed.fact and _INDICATOR.match(backed.fact):
        effect = f"chỉ tiêu {backed.fact} sẽ không được tính là đạt khi lập hồ sơ"
    else:
        effect = f"mục «{question.name if backed is None else backed.name}» sẽ thiếu minh chứng khi lập hồ sơ"
    turn.emit(
        Notice(
            f"Lưu ý: không có minh chứng thì {effect}. Có thể gửi bổ sung sau (gõ «sửa N»).",
            code="evidence_missing",
        )
    )
