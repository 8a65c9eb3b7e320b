"""One step of the engine: the session being changed, the questionnaire, the clock and the events so far."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from cdht.conversations.definition.hints import example_for
from cdht.conversations.definition.question import OPTION_TYPES, Question
from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.engine.events import Event, InputKind, QuestionAsked
from cdht.conversations.engine.routing import numbering
from cdht.conversations.engine.session import Session


@dataclass
class Turn:
    session: Session  # a private copy: the caller's session is never changed
    questionnaire: Questionnaire
    now: datetime.datetime
    events: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Questions that vary by a setting are asked (and named) as the session's settings word them.
        self.questionnaire = self.questionnaire.worded(self.session.settings)

    def emit(self, event: Event) -> None:
        self.events.append(event)

    @property
    def current(self) -> Question | None:
        """The question being asked, if the session is asking one."""
        if self.session.state not in ("asking", "collecting_evidence") or self.session.cursor is None:
            return None
        return self.questionnaire.get(self.session.cursor)

    def ask(self, question_id: str, *, acknowledges_file: bool = False) -> None:
        question = self.questionnaire.question(question_id)
        if self.session.cursor != question_id:
            self.session.selection = []
        self.session.cursor = question_id
        self.session.cursor_fingerprint = question.fingerprint
        self.session.state = "collecting_evidence" if question.type == "evidence" else "asking"
        self.emit(self.question_event(question, acknowledges_file=acknowledges_file))

    def question_event(self, question: Question, *, acknowledges_file: bool = False) -> QuestionAsked:
        order = numbering(self.session, self.questionnaire)
        number = order.index(question.id) + 1 if question.id in order else len(order)
        answer = self.session.answers.get(question.id)
        evidence_target = self.evidence_target(question)
        return QuestionAsked(
            question_id=question.id,
            number=number,
            total=len(order),
            label=question.label,
            help=question.help,
            qtype=question.type,
            choices=question.options(),
            hint=example_for(question),
            can_skip=not question.required or answer is not None,
            can_defer=answer is None,
            can_go_back=number > 1,
            collecting_evidence_count=len(self.session.evidence.get(evidence_target, []))
            if evidence_target
            else 0,
            expects=_expects(question),
            current_display=None if answer is None else answer.display,
            selected=tuple(self.session.selection),
            section=question.section,
            acknowledges_file=acknowledges_file,
        )

    def evidence_target(self, question: Question) -> str | None:
        """Where a photo sent while `question` is asked goes: the question itself if it is an evidence question,
        else the evidence question that backs it, else the question itself if it accepts evidence."""
        if question.type == "evidence":
            return question.id
        if question.evidence == "none":
            return None
        backing = self.questionnaire.evidence_question_for(question.id)
        return backing.id if backing is not None else question.id


def _expects(question: Question) -> InputKind:
    if question.type == "evidence":
        return "media"
    if question.type == "location":
        return "location"
    if question.type == "multi_choice":
        return "multi_options"
    if question.type in OPTION_TYPES:
        return "options"
    return "text"
