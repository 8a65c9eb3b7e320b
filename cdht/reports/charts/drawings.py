"""The three charts, as PNG bytes: village progress, a unit's criteria, a district's communes."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from matplotlib.patches import Patch

from cdht.reports.charts.canvas import (
    FONT,
    STATUS_MARKS,
    empty_note,
    legend_below,
    new_figure,
    png_bytes,
    short,
    status_grid,
    status_legend,
)
from cdht.reports.inputs import VILLAGE_STATES, VillageFigures
from cdht.reports.labels import VILLAGE_STATE_LABELS, criterion_status, level_text
from cdht.scoring import Assessment, CriterionResult, Status, level_line

LABEL_WIDTH = 48
"""Characters a line of a row label holds; longer titles wrap, never shortened."""
STATE_COLOURS = {
    "not_started": "#9E9E9E",
    "in_progress": "#1E88E5",
    "completed": "#43A047",
    "returned": "#E53935",
    "approved": "#1B5E20",
}


def village_completion_chart(unit_name: str, year: int, villages: Sequence[VillageFigures]) -> bytes:
    """One horizontal bar per village: answered/total questions, coloured by the village's state."""
    figure, axes = new_figure(8, 1.6 + 0.38 * max(len(villages), 3))
    axes.set_title(
        f"Tiến độ nhập liệu các thôn — {short(unit_name, 40)} — năm {year}", fontfamily=FONT, fontsize=12
    )
    if not villages:
        empty_note(axes, "Chưa có thôn nào")
        return png_bytes(figure)
    positions = list(range(len(villages)))
    shares = [100 * village.answered / village.total if village.total else 0.0 for village in villages]
    axes.barh(positions, [100] * len(villages), color="#EEEEEE", height=0.7)
    axes.barh(positions, shares, color=[STATE_COLOURS[village.state] for village in villages], height=0.7)
    for position, village in zip(positions, villages, strict=True):
        axes.text(
            101, position, f"{village.answered}/{village.total}", va="center", fontfamily=FONT, fontsize=9
        )
    axes.set_yticks(
        positions, labels=[short(village.name) for village in villages], fontfamily=FONT, fontsize=9
    )
    axes.invert_yaxis()
    axes.set_xlim(0, 115)
    axes.set_xticks([0, 25, 50, 75, 100], labels=["0%", "25%", "50%", "75%", "100%"], fontfamily=FONT)
    axes.set_xlabel("Tỷ lệ câu hỏi đã trả lời", fontfamily=FONT)
    present = [state for state in VILLAGE_STATES if any(village.state == state for village in villages)]
    handles = [Patch(color=STATE_COLOURS[state], label=VILLAGE_STATE_LABELS[state]) for state in present]
    legend_below(figure, handles)
    return png_bytes(figure)


def _criterion_cell(criterion: CriterionResult) -> tuple[Status, str]:
    status = criterion_status([result.status for result in criterion.indicators])
    passed = sum(1 for result in criterion.indicators if result.passed)
    return status, f"{STATUS_MARKS[status]} {passed}/{len(criterion.indicators)}"


def criterion_label(criterion: CriterionResult) -> str:
    """«Tiêu chí N. …» with the criterion's full name (the circular's words), broken into lines."""
    return textwrap.fill(f"Tiêu chí {criterion.id}. {criterion.name}", LABEL_WIDTH)


def criteria_status_chart(assessment: Assessment) -> bytes:
    """Criteria (rows) × levels (columns): passed indicators per criterion, coloured by the worst status."""
    first, second = assessment.levels["1"].criteria, assessment.levels["2"].criteria
    rows = [criterion_label(criterion) for criterion in first]
    # Rows are equally tall, each fitting the longest label: about 0.19 inch a line at 10 pt, 0.55 at least.
    lines = max((row.count("\n") + 1 for row in rows), default=1)
    figure, axes = new_figure(10, 1.8 + len(rows) * max(0.55, 0.2 + 0.19 * lines))
    cells = [[_criterion_cell(one), _criterion_cell(two)] for one, two in zip(first, second, strict=True)]
    status_grid(axes, rows, ["Mức độ 1", "Mức độ 2"], cells, wrapped=True)
    title = f"{short(assessment.unit_name, 40)} — năm {assessment.year}\n{level_line(assessment)}"
    axes.set_title(title, fontfamily=FONT, fontsize=12)
    status_legend(figure)
    return png_bytes(figure)


def district_overview_chart(
    unit_name: str, year: int, communes: Sequence[Assessment], level: int = 1
) -> bytes:
    """Communes (rows) × criteria at `level` (columns), and the level each commune reached."""
    figure, axes = new_figure(9, 2.0 + 0.42 * max(len(communes), 3))
    axes.set_title(
        f"Tổng quan các xã — {short(unit_name, 40)} — năm {year}\n(kết quả các tiêu chí ở mức độ {level})",
        fontfamily=FONT,
        fontsize=12,
    )
    if not communes:
        empty_note(axes, "Chưa có xã nào được đánh giá")
        return png_bytes(figure)
    criteria = communes[0].levels[str(level)].criteria
    columns = [f"TC{criterion.id}" for criterion in criteria]
    cells = [
        [_criterion_cell(criterion) for criterion in commune.levels[str(level)].criteria]
        for commune in communes
    ]
    status_grid(axes, [commune.unit_name for commune in communes], columns, cells)
    axes.text(len(columns) + 0.1, -0.1, "Mức độ đạt", va="bottom", fontfamily=FONT, fontsize=10)
    for row, commune in enumerate(communes):
        axes.text(
            len(columns) + 0.1,
            row + 0.5,
            level_text(commune.level),
            va="center",
            fontfamily=FONT,
            fontsize=10,
        )
    axes.set_xlim(0, len(columns) + 1.6)
    status_legend(figure)
    return png_bytes(figure)
