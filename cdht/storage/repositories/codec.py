"""Answer values in a JSON column: dates are tagged so they come back as dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from cdht.handlers.ports import AnswerValue


def encode_value(value: AnswerValue) -> dict[str, Any]:
    if isinstance(value, date):
        return {"t": "date", "v": value.isoformat()}
    return {"v": value}


def decode_value(stored: dict[str, Any]) -> AnswerValue:
    if stored.get("t") == "date":
        return date.fromisoformat(stored["v"])
    value: AnswerValue = stored.get("v")
    return value
