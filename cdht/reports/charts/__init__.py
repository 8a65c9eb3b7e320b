"""The charts, as PNG bytes (`drawings`), drawn on matplotlib's Agg canvas (`canvas`)."""

from cdht.reports.charts.drawings import (
    criteria_status_chart,
    district_overview_chart,
    village_completion_chart,
)

__all__ = ["criteria_status_chart", "district_overview_chart", "village_completion_chart"]
