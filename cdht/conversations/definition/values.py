"""Answer values: what each question type stores, how stored values are checked, shown and serialised."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from cdht.conversations.definition.question import Question
from cdht.conversations.parsing.answers import format_value


class GeoPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


AnswerValue = bool | int | float | str | list[str] | datetime.date | GeoPoint
"""yes_no: bool; integer/level/evidence (number of files): int; decimal/percent/money: int or float;
choice/text: str; multi_choice: list of codes; date: date; location: GeoPoint."""

JsonValue = bool | int | float | str | list[str] | dict[str, float]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def fits(question: Question, value: object) -> bool:
    """Whether a stored value is a valid answer to `question` as it is defined now."""
    kind = question.type
    if kind in ("integer", "decimal", "percent", "money"):
        if not _is_number(value) or (kind == "integer" and not isinstance(value, int)):
            return False
        number = float(value)  # type: ignore[arg-type]
        return (question.min is None or number >= question.min) and (
            question.max is None or number <= question.max
        )
    if kind == "yes_no":
        return isinstance(value, bool)
    codes = {code for code, _ in question.choices}
    if kind == "choice":
        return isinstance(value, str) and value in codes
    if kind == "multi_choice":
        return (
            isinstance(value, list) and bool(value) and all(isinstance(v, str) and v in codes for v in value)
        )
    if kind == "level":
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and question.levels[0] <= value <= question.levels[1]
        )
    if kind == "evidence":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if kind == "date":
        return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
    if kind == "location":
        return isinstance(value, GeoPoint)
    return isinstance(value, str) and bool(value.strip())


def coerce(question: Question, raw: object) -> AnswerValue | None:
    """Turn a stored value (possibly its JSON form) into the answer value of `question`, or None if it does not fit."""
    value: object = raw
    if question.type == "date" and isinstance(raw, str):
        try:
            value = datetime.date.fromisoformat(raw)
        except ValueError:
            return None
    elif question.type == "location" and isinstance(raw, Mapping):
        try:
            value = GeoPoint.model_validate(raw)
        except ValueError:
            return None
    elif question.type in ("integer", "level", "evidence") and isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif question.type == "multi_choice" and isinstance(raw, Sequence) and not isinstance(raw, str):
        value = list(raw)
    if not fits(question, value):
        return None
    return value  # type: ignore[return-value]


def to_json(value: AnswerValue) -> JsonValue:
    """The JSON form of an answer value, for storage: dates as ISO text, locations as {latitude, longitude}."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, GeoPoint):
        return {"latitude": value.latitude, "longitude": value.longitude}
    return value


def display(question: Question, value: AnswerValue) -> str:
    """How an answer is shown back to people: '1.250 hộ', 'Có', '3 ảnh/tệp'."""
    if isinstance(value, GeoPoint):
        return f"{value.latitude:.5f}, {value.longitude:.5f}"
    if question.type == "evidence":
        return f"{value} ảnh/tệp"
    if question.type == "level" and isinstance(value, int):
        return dict(question.options()).get(str(value), str(value))
    shown = format_value(question.type, value, choices=question.choices)
    if question.unit and question.is_numeric:
        return f"{shown} {question.unit}"
    return shown
