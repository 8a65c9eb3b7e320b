"""The last line of defence for free text: every text parameter of every statement is cleaned
(`clean_text`) on its way to the database, on SQLite and PostgreSQL alike.

Text is cleaned where it comes in (the inbox for every channel, the spreadsheet reader for files); this
catches what comes another way (the command line, an error message quoting its input) so that a NUL can
never make PostgreSQL refuse a write ("invalid byte sequence for encoding UTF8: 0x00") and no bidirectional
or invisible character is stored. JSON columns are serialised ASCII-only, so their text is not touched here.
A statement whose parameters are clean (nearly all) is passed on as it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.conversations.parsing.clean_text import clean_text


def guard_text(engine: AsyncEngine) -> None:
    """Clean the text parameters of every statement `engine` runs."""
    event.listen(engine.sync_engine, "before_cursor_execute", _clean_statement, retval=True)


def _clean_statement(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool
) -> tuple[str, Any]:
    if executemany and isinstance(parameters, list):
        return statement, _clean_many(parameters)
    return statement, clean_parameters(parameters)


def _clean_many(rows: list[Any]) -> list[Any]:
    cleaned = [clean_parameters(row) for row in rows]
    return rows if all(new is old for new, old in zip(cleaned, rows, strict=True)) else cleaned


def clean_parameters(parameters: Any) -> Any:
    """One statement's parameters (a tuple, list or mapping) with every text cleaned; the same object when
    nothing needed it."""
    if isinstance(parameters, Mapping):
        changed = {
            key: new
            for key, value in parameters.items()
            if isinstance(value, str) and (new := clean_text(value)) is not value
        }
        return {**parameters, **changed} if changed else parameters
    if isinstance(parameters, Sequence) and not isinstance(parameters, str | bytes):
        values = [clean_text(value) if isinstance(value, str) else value for value in parameters]
        if all(new is old for new, old in zip(values, parameters, strict=True)):
            return parameters
        return tuple(values) if isinstance(parameters, tuple) else values
    return parameters
