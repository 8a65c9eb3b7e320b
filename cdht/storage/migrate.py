"""Apply Alembic migrations programmatically (`cdht db upgrade`, tests, `make run`).

Every command upgrades the database first. When it is already at the newest revision (nearly always), a look at
`alembic_version` says so and Alembic is never imported: loading Alembic, its environment and every migration
script costs a good part of a second, which `cdht score` or the bot's start should not pay."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def script_heads(versions: Path = MIGRATIONS / "versions") -> frozenset[str] | None:
    """The newest revisions of the migration scripts, read from their text without importing them; None when a
    script is not written the usual way (then Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN_REVISION.search(text)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        parents.update(_QUOTED.findall(down.group(1)))
    heads = frozenset(revisions - parents)
    return heads or None


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database behind `engine` to `revision`."""
    async with engine.begin() as connection:
        if revision == "head" and await connection.run_sync(_at_head):
            return
        await connection.run_sync(_upgrade_sync, revision)


def _at_head(connection: Any) -> bool:
    from sqlalchemy import inspect, text

    heads = script_heads()
    if heads is None or not inspect(connection).has_table("alembic_version"):
        return False
    current = {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
    return current == heads


def _upgrade_sync(connection: object, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
