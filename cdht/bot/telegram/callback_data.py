"""Compact callback data for inline buttons (Telegram allows 1-64 bytes).

    c|<question_id>|<code>   an option of a question; the tapped message loses its keyboard
    t|<question_id>|<code>   a toggle of a multiple-choice question; the message is edited in place instead
    m|<command>[|<arg>]      a navigation or menu command (back, skip, summary, done, edit|3, ...)

Nothing here is trusted: the engine accepts a choice only for the person's own current question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cdht.conversations.inbound import Choice, Command

MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_.:-]{1,60}$")  # question ids, option codes, unit codes, "send:"
_COMMAND = re.compile(r"^[a-z_]{1,32}$")


@dataclass(frozen=True)
class ButtonAction:
    action: Choice | Command
    keeps_keyboard: bool  # a toggle: the message will be edited in place, do not drop its keyboard


def encode(action: Choice | Command, *, toggle: bool = False) -> str | None:
    """The callback data of a button, or None when it cannot be made compact and safe."""
    if isinstance(action, Choice):
        data = f"{'t' if toggle else 'c'}|{action.question_id}|{action.code}"
        parts_ok = bool(_PART.match(action.question_id) and _PART.match(action.code))
    else:
        data = f"m|{action.name}" + (f"|{action.arg}" if action.arg else "")
        parts_ok = bool(_COMMAND.match(action.name) and (action.arg is None or _PART.match(action.arg)))
    return data if parts_ok and len(data.encode()) <= MAX_BYTES else None


def decode(data: str | None) -> ButtonAction | None:
    """The action behind callback data; None for anything we did not (or could not) have sent."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    kind, *parts = data.split("|")
    if kind in ("c", "t") and len(parts) == 2 and all(_PART.match(part) for part in parts):
        return ButtonAction(Choice(parts[0], parts[1]), keeps_keyboard=kind == "t")
    if kind == "m" and 1 <= len(parts) <= 2 and _COMMAND.match(parts[0]):
        arg = parts[1] if len(parts) == 2 else None
        if arg is not None and not _PART.match(arg):
            return None
        return ButtonAction(Command(parts[0], arg), keeps_keyboard=False)
    return None
