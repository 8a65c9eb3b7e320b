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
messages, as the real caller stores it. The scripts live in files under `golden/` (see `Golden`).
"""

from __future__ import annotations

import datetime
import difflib
import json
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
from tests.fakes.clock import FakeClock

T0 = datetime.datetime(2024, 11, 4, 8, 0, tzinfo=datetime.UTC)


def message_clock(start_at: datetime.datetime = T0) -> FakeClock:
    """The clock of a played script: `start` at `start_at`, each message one minute after the one before."""
    return FakeClock(start_at, step=datetime.timedelta(minutes=1))


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
    clock = clock or message_clock()
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
        new_session, events = resume(run.session, inbound, questionnaire=current, now=clock())
        stored = new_session.model_dump_json()
        restored = Session.model_validate_json(stored)
        assert restored == new_session, "the session must survive a JSON round trip"
        run.session = restored
        run.events.append(events)
        run.lines.extend(describe(event) for event in events)
    return run


def expected_lines(script: str) -> list[str]:
    return [line.strip() for line in textwrap.dedent(script).strip().splitlines() if line.strip()]


@dataclass(frozen=True)
class Golden:
    """A golden transcript: the script in `path` (tests/conversations/golden/<module>/<test>.txt) is the
    conversation as it must happen. `check` plays its inputs and fails with a diff when the transcript differs;
    with `update` (pytest --update-golden) it writes the actual transcript there instead, for review as a diff."""

    path: Path
    update: bool = False

    def check(self, questionnaire: Questionnaire, **options: Any) -> Run:
        if not self.path.exists():
            raise AssertionError(
                f"no golden transcript {self.path}: write the inputs there (lines starting with '> ') "
                "and run pytest --update-golden to fill in the events"
            )
        script = self.path.read_text(encoding="utf-8")
        run = play(questionnaire, script, **options)
        expected = expected_lines(script)
        if run.lines != expected:
            if not self.update:
                diff = difflib.unified_diff(expected, run.lines, "expected", "actual", lineterm="")
                raise AssertionError(
                    f"the transcript differs from {self.path} (pytest --update-golden rewrites it; "
                    "review with git diff):\n" + "\n".join(diff)
                )
            self.path.write_text("\n".join(run.lines) + "\n", encoding="utf-8")
        return run
