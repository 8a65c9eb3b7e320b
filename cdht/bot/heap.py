"""A bot process keeps what it loads at start for its whole life: modules, questionnaires, and aiogram's,
pydantic's and SQLAlchemy's type machinery, some 300,000 objects. Each full garbage collection walks all of
them (0.2 s on these machines, a stall every chat feels at once, a few times a minute under load). Frozen
after start, they are left out of every collection."""

from __future__ import annotations

import gc
import importlib

from cdht.conversations.definition.loader import builtin_questionnaires

# What the process running export jobs renders with. Loaded lazily, they would be imported under load (the
# import holding the interpreter) and their objects left unfrozen, walked by every full collection after.
RENDERERS = (
    "cdht.reports.charts.drawings",
    "cdht.reports.docx.self_assessment",
    "cdht.reports.docx.annual",
    "cdht.reports.docx.appraisal",
    "cdht.reports.xlsx.commune",
    "cdht.reports.xlsx.district",
    "docx",
    "xlsxwriter",
)


def freeze_startup_heap(*, renderers: bool = False) -> int:
    """Load what every message needs (and with `renderers`, what the export jobs draw and write with), drop the
    garbage of starting up, and freeze the rest; returns how many objects are frozen. Call it after the
    channels are built: aiogram's types are the bulk of what is worth freezing."""
    builtin_questionnaires()
    if renderers:
        for module in RENDERERS:
            importlib.import_module(module)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
