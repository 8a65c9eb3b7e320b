"""A bot process keeps what it loads at start for its whole life: modules, questionnaires, and aiogram's,
pydantic's and SQLAlchemy's type machinery, some 300,000 objects. Each full garbage collection walks all of
them (0.2 s on these machines, a stall every chat feels at once, a few times a minute under load). Frozen
after start, they are left out of every collection."""

from __future__ import annotations

import gc

from cdht.conversations.definition.loader import builtin_questionnaires


def freeze_startup_heap() -> int:
    """Load what every message needs, drop the garbage of starting up, and freeze the rest; returns how
    many objects are frozen."""
    builtin_questionnaires()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
