"""The charts, as PNG bytes (`drawings`), drawn on matplotlib's Agg canvas (`canvas`).

Loaded when first used (PEP 562), so that importing this package does not import matplotlib."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdht.reports.charts.drawings import (
        criteria_status_chart,
        district_overview_chart,
        village_completion_chart,
    )

__all__ = ["criteria_status_chart", "district_overview_chart", "village_completion_chart"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module("cdht.reports.charts.drawings"), name)
    globals()[name] = value
    return value
