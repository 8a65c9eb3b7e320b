"""The command menu a chat shows (Telegram's `/` menu; other channels may list it), built from the command
table in `cdht.handlers.command_table` so there is one list of commands and their roles.

Before an account is linked to the roster only /start and /help do anything, so that is all it sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdht.conversations.inbound import Command
from cdht.handlers.command_table import BY_NAME, commands_for

BEFORE_REGISTRATION = ("start", "help")


@dataclass(frozen=True)
class MenuEntry:
    name: str  # what a person types, without the slash (latin, at most 32 characters)
    description: str  # Vietnamese


def menu_for(role: str | None) -> tuple[MenuEntry, ...]:
    """A role's menu; `None`: an account not linked yet."""
    if role is None:
        return tuple(MenuEntry(name, BY_NAME[name].description) for name in BEFORE_REGISTRATION)
    return tuple(MenuEntry(spec.name, spec.description) for spec in commands_for(role))


def typed_command(name: str, arg: str | None) -> Command | None:
    """`/xemlai`, `/tiendo X1`: a known command (its role is checked later, on the server); else None."""
    return Command(name, arg) if name in BY_NAME else None
