"""Charts decode as PNG, have a sane size, and are byte-for-byte reproducible."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image

from cdht.reports import (
    VillageFigures,
    criteria_status_chart,
    district_overview_chart,
    village_completion_chart,
)
from cdht.reports.charts.drawings import LABEL_WIDTH, criterion_label

from .fixtures import district_assessment, troubled_commune, village_figures


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG"
    assert 300 <= image.width <= 2000 and 150 <= image.height <= 4100
    return image


CHARTS = {
    "villages": lambda: village_completion_chart("Xã Hòa Bình", 2024, village_figures()),
    "criteria": lambda: criteria_status_chart(troubled_commune()),
    "overview": lambda: district_overview_chart("Huyện Một", 2024, district_assessment().children),
    "overview_level_2": lambda: district_overview_chart(
        "Huyện Một", 2024, district_assessment().children, level=2
    ),
    "no_villages": lambda: village_completion_chart("Xã Trống", 2024, []),
    "no_communes": lambda: district_overview_chart("Huyện Trống", 2024, []),
}


@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_decodes_and_is_reproducible(name: str) -> None:
    first, second = CHARTS[name](), CHARTS[name]()
    decoded(first)
    assert first == second
    assert b"Software" not in first and b"tIME" not in first


def test_many_villages_grow_the_chart_within_bounds() -> None:
    villages = [
        VillageFigures(f"T{i}", f"Thôn số {i}", answered=i % 7, total=6, state="in_progress")
        for i in range(120)
    ]
    few = decoded(village_completion_chart("Xã Lớn", 2024, villages[:3]))
    many = decoded(village_completion_chart("Xã Lớn", 2024, villages))
    assert many.height > few.height
    assert many.width == few.width


def test_charts_render_in_parallel_threads() -> None:
    results: list[bytes] = []
    expected = CHARTS["villages"]()

    def draw() -> None:
        results.append(CHARTS["villages"]())

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_the_criteria_chart_names_each_criterion_in_full() -> None:
    """The circular's criterion titles are long; the chart wraps them and never cuts one short."""
    for assessment in (troubled_commune(), district_assessment()):
        for criterion in assessment.levels["1"].criteria:
            label = criterion_label(criterion)
            assert " ".join(label.split()) == f"Tiêu chí {criterion.id}. {criterion.name}"
            assert all(len(line) <= LABEL_WIDTH for line in label.splitlines())
