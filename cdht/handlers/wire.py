"""JSON forms of the neutral events, for the inbox and outbox tables."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from cdht.conversations.inbound import Choice, Command, Contact, Inbound, Location, Media, Text
from cdht.conversations.outbound import Button, FileRef, OpenApp, OutboundMessage

_INBOUND_TYPES: dict[str, type[Any]] = {
    "text": Text,
    "choice": Choice,
    "command": Command,
    "media": Media,
    "location": Location,
    "contact": Contact,
}
_INBOUND_NAMES = {cls: name for name, cls in _INBOUND_TYPES.items()}


class WireError(ValueError):
    pass


def inbound_to_json(event: Inbound) -> dict[str, Any]:
    data = asdict(event)
    if isinstance(event, Media) and event.taken_at is not None:
        data["taken_at"] = event.taken_at.isoformat()
    return {"type": _INBOUND_NAMES[type(event)], **data}


def inbound_from_json(data: dict[str, Any]) -> Inbound:
    try:
        fields = dict(data)
        cls = _INBOUND_TYPES[fields.pop("type")]
        if cls is Media and fields.get("taken_at"):
            fields["taken_at"] = datetime.fromisoformat(fields["taken_at"])
        event: Inbound = cls(**fields)
    except (KeyError, TypeError, ValueError) as error:
        raise WireError(f"not a neutral inbound event: {error}") from error
    return event


def _action_to_json(action: Choice | Command | OpenApp) -> dict[str, Any]:
    if isinstance(action, OpenApp):
        return {"type": "open_app", "page": action.page, "unit": action.unit}
    return inbound_to_json(action)


def _action_from_json(data: dict[str, Any]) -> Choice | Command | OpenApp:
    if data.get("type") == "open_app":
        try:
            return OpenApp(data["page"], data.get("unit"))
        except (KeyError, TypeError, ValueError) as error:
            raise WireError(f"not a Mini App page: {error}") from error
    action = inbound_from_json(data)
    if not isinstance(action, Choice | Command):
        raise WireError("a button must carry a choice, a command or a Mini App page")
    return action


def outbound_to_json(message: OutboundMessage) -> dict[str, Any]:
    return {
        "text": message.text,
        "buttons": [
            [{"label": b.label, "action": _action_to_json(b.action)} for b in row] for row in message.buttons
        ],
        "attachment": None if message.attachment is None else vars(message.attachment),
        "attachment_kind": message.attachment_kind,
        "edit_key": message.edit_key,
        "request_contact": message.request_contact,
    }


def outbound_from_json(data: dict[str, Any]) -> OutboundMessage:
    rows = []
    for row in data.get("buttons", []):
        buttons = []
        for button in row:
            buttons.append(Button(button["label"], _action_from_json(button["action"])))
        rows.append(tuple(buttons))
    return OutboundMessage(
        text=data["text"],
        buttons=tuple(rows),
        attachment=_file_from_json(data.get("attachment")),
        attachment_kind=data.get("attachment_kind"),
        edit_key=data.get("edit_key"),
        request_contact=bool(data.get("request_contact", False)),
    )


def _file_from_json(data: Any) -> FileRef | None:
    """A stored file's reference; None when there is none. (Rows queued before files were stored by id named
    a local path, `attachment_path`: they are sent as text.)"""
    if data is None:
        return None
    try:
        return FileRef(
            str(data["sha256"]), str(data["name"]), str(data.get("mime") or "application/octet-stream")
        )
    except (KeyError, TypeError) as error:
        raise WireError(f"not a stored file: {error}") from error
