"""matplotlib through the Figure API and the Agg canvas only (no pyplot: no global state, so charts
can be drawn in worker threads), in DejaVu Sans, which carries the Vietnamese diacritics."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from cdht.reports.labels import STATUS_LABELS
from cdht.scoring import Status

FONT = "DejaVu Sans"
DPI = 100
STATUS_COLOURS = {
    Status.PASS: "#2E7D32",
    Status.FAIL: "#C62828",
    Status.MISSING: "#F9A825",
    Status.NO_EVIDENCE: "#EF6C00",
}
# Emoji (✅ ❌ ⏳) are not in DejaVu Sans; these marks are.
STATUS_MARKS = {Status.PASS: "✔", Status.FAIL: "✘", Status.MISSING: "?", Status.NO_EVIDENCE: "⚠"}


def new_figure(width: float, height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, min(height, 40.0)), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def png_bytes(figure: Figure) -> bytes:
    """PNG without the "Software" text chunk; Agg writes no date, so equal input gives equal bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def short(text: str, limit: int = 45) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def legend_below(figure: Figure, handles: Sequence[Patch]) -> None:
    """A one-line legend under the plot; constrained layout keeps it clear of the axis labels."""
    if handles:
        figure.legend(
            handles=list(handles),
            loc="outside lower center",
            ncols=len(handles),
            frameon=False,
            prop={"family": FONT, "size": 9},
        )


def status_legend(figure: Figure) -> None:
    handles = [
        Patch(color=colour, label=f"{STATUS_MARKS[status]} {STATUS_LABELS[status]}")
        for status, colour in STATUS_COLOURS.items()
    ]
    legend_below(figure, handles)


def status_grid(
    axes: Axes,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[tuple[Status, str]]],
    wrapped: bool = False,
) -> None:
    """Coloured cells (row r, column c) with a short text each; the first row at the top. Row labels are
    shortened to one line unless `wrapped` (already broken into lines, shown in full: titles)."""
    for r, row in enumerate(cells):
        for c, (status, text) in enumerate(row):
            axes.add_patch(
                Rectangle((c, r), 1, 1, facecolor=STATUS_COLOURS[status], edgecolor="white", linewidth=2)
            )
            axes.text(
                c + 0.5,
                r + 0.5,
                text,
                ha="center",
                va="center",
                color="white",
                fontfamily=FONT,
                fontsize=10,
                fontweight="bold",
            )
    axes.set_xlim(0, max(len(columns), 1))
    axes.set_ylim(max(len(rows), 1), 0)
    axes.set_xticks(
        [c + 0.5 for c in range(len(columns))], labels=list(columns), fontfamily=FONT, fontsize=10
    )
    axes.set_yticks(
        [r + 0.5 for r in range(len(rows))],
        labels=list(rows) if wrapped else [short(row) for row in rows],
        fontfamily=FONT,
        fontsize=10,
    )
    axes.xaxis.tick_top()
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)


def empty_note(axes: Axes, text: str) -> None:
    axes.text(
        0.5, 0.5, text, ha="center", va="center", fontfamily=FONT, fontsize=12, transform=axes.transAxes
    )
    axes.set_axis_off()
