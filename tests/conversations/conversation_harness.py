"""Golden-transcript harness for the conversation engine.

A script is the conversation as it should happen: lines starting with "> " are what the person sends, the
other lines are the events the engine must emit, one compact line each (see `describe`). Before the first
input come the events of `start`. Input syntax:

    > 1.250                     Text
    > /back  /edit 3            Command (name, optional argument)
    > [village_cdht:yes]        Choice(question_id, code)
    > photo:f1@album1           Media (kind:file_ref, optional @group_id)
    > location:21.03,105.85     Location
    > contact:0912345678        Contact
    > ~use v2                   from now on resume with questionnaire "v2" of the given dict

The clock is fake (one minute per message) and every session is round-tripped through JSON between
messages, as the real caller stores it.
"""

from __future__ import annotations

import datetime
import json
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field

from cdht.conversations.definition.questionnaire import Questionnaire
from cdht.conversations.definition.values import to_json
from cdht.conversations.engine.events import (
    AnswerRecorded,
    AnswerRejected,
    Completed,
    Event,
    EvidenceAttached,
    Notice,
    QuestionAsked,
    QuestionReopened,
    SummaryShown,
)
from cdht.conversations.engine.session import Session
from cdht.conversations.engine.steps import resume, start
from cdht.conversations.inbound import Choice, Command, Contact, Inbound, Location, Media, Text

T0 = datetime.datetime(2024, 11, 4, 8, 0, tzinfo=datetime.UTC)


class FakeClock:
    def __init__(self, start_at: datetime.datetime = T0) -> None:
        self.now = start_at

    def tick(self) -> datetime.datetime:
        self.now += datetime.timedelta(minutes=1)
        return self.now


def parse_input(line: str) -> Inbound | None:
    """One "> ..." line -> an inbound event (None for harness directives)."""
    body = line[2:]
    if body.startswith("~"):
        return None
    if body.startswith("/"):
        name, _, arg = body[1:].partition(" ")
        return Command(name, arg or None)
    if body.startswith("[") and body.endswith("]"):
        question_id, _, code = body[1:-1].partition(":")
        return Choice(question_id, code)
    kind, sep, rest = body.partition(":")
    if sep and kind in ("photo", "document", "video"):
        file_ref, _, group = rest.partition("@")
        return Media(kind, file_ref, group_id=group or None)  # type: ignore[arg-type]
    if sep and kind == "location":
        latitude, longitude = rest.split(",")
        return Location(float(latitude), float(longitude))
    if sep and kind == "contact":
        return Contact(rest, is_own=True)
    return Text(body)


def _value(value: object) -> str:
    return json.dumps(to_json(value), ensure_ascii=False)  # type: ignore[arg-type]


def describe(event: Event) -> str:
    """The compact transcript line of one event."""
    match event:
        case QuestionAsked(acknowledges_file=True):
            return f"ack {event.question_id} files={event.collecting_evidence_count}"
        case QuestionAsked():
            line = f"ask {event.question_id} {event.number}/{event.total}"
            if event.current_display is not None:
                line += f" current=«{event.current_display}»"
            if event.selected:
                line += f" selected={','.join(event.selected)}"
            return line
        case AnswerRecorded():
            line = f"record {event.question_id} = {_value(event.value)} «{event.display}»"
            if event.previous_value is not None:
                line += f" was {_value(event.previous_value)}"
            return line
        case AnswerRejected():
            return f"reject {event.question_id}"
        case EvidenceAttached():
            return f"attach {event.question_id} {event.media.file_ref}"
        case QuestionReopened():
            return f"reopen {event.question_id}"
        case SummaryShown():
            answered = sum(item.answered for item in event.items)
            return f"summary answered={answered}/{len(event.items)} missing={event.missing_count}"
        case Completed():
            return f"completed {event.answered}/{event.total}"
        case Notice():
            return f"notice {event.code}"
    raise AssertionError(f"unknown event {event!r}")


@dataclass
class Run:
    session: Session
    lines: list[str] = field(default_factory=list)
    events: list[list[Event]] = field(default_factory=list)


def play(
    questionnaire: Questionnaire,
    script: str,
    *,
    versions: Mapping[str, Questionnaire] | None = None,
    answers: Mapping[str, object] | None = None,
    session: Session | None = None,
    clock: FakeClock | None = None,
) -> Run:
    """Run the inputs of `script` (its expected lines are ignored) and return the actual transcript."""
    clock = clock or FakeClock()
    current = questionnaire
    if session is None:
        session, events = start(current, now=clock.now, answers=answers or {})
        run = Run(session, [describe(event) for event in events], [events])
    else:
        run = Run(session)
    for raw in textwrap.dedent(script).strip().splitlines():
        line = raw.strip()
        if not line.startswith("> "):
            continue
        run.lines.append(line)
        if line.startswith("> ~use "):
            current = (versions or {})[line.removeprefix("> ~use ")]
            continue
        inbound = parse_input(line)
        assert inbound is not None
        new_session, events = resume(run.session, inbound, questionnaire=current, now=clock.tick())
        stored = new_session.model_dump_json()
        restored = Session.model_validate_json(stored)
        assert restored == new_session, "the session must survive a JSON round trip"
        run.session = restored
        run.events.append(events)
        run.lines.extend(describe(event) for event in events)
    return run


def expected_lines(script: str) -> list[str]:
    return [line.strip() for line in textwrap.dedent(script).strip().splitlines() if line.strip()]


def check(questionnaire: Questionnaire, script: str, **options: object) -> Run:
    """Play `script` and assert that the transcript is exactly the script."""
    run = play(questionnaire, script, **options)  # type: ignore[arg-type]
    assert run.lines == expected_lines(script)
    return run
