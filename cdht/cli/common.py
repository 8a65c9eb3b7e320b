"""What several command modules share: running one use case on the app, the clock, failing with a message."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

if TYPE_CHECKING:
    from cdht.bot.composition import App

T = TypeVar("T")
DEMO_ROSTER = Path(__file__).parent.parent / "demo" / "roster.csv"


def run_with_app(work: Callable[[App], Awaitable[T]]) -> T:
    """Open the app from settings, run one async use case, close everything."""
    from cdht.bot.composition import open_app  # storage and its drivers: only once a command runs

    async def main() -> T:
        async with open_app() as application:
            return await work(application)

    return asyncio.run(main())


def now() -> datetime:
    return datetime.now(UTC)


def fail(message: str) -> typer.Exit:
    """Print `message` to standard error; the caller raises the returned exit (status 1)."""
    typer.echo(message, err=True)
    return typer.Exit(1)


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise fail("Ngày phải có dạng YYYY-MM-DD.") from error
