"""The Mini App keeps a unit's charts a minute, for at most a bounded number of units."""

from __future__ import annotations

from cdht.bot.web.state import CHART_SECONDS, CHART_UNITS, ChartCache


def test_charts_are_kept_a_minute() -> None:
    cache = ChartCache()
    cache.put(("X1", 2025), (b"a", b"b"), now=1000.0)
    assert cache.get(("X1", 2025), 1000.0 + CHART_SECONDS - 1) == (b"a", b"b")
    assert cache.get(("X1", 2026), 1001.0) is None
    assert cache.get(("X1", 2025), 1000.0 + CHART_SECONDS) is None


def test_the_cache_holds_a_bounded_number_of_units() -> None:
    cache = ChartCache()
    for n in range(CHART_UNITS + 10):  # all within the minute
        cache.put((f"X{n}", 2025), (b"png",), now=1000.0 + n / 10)
    assert len(cache.drawn) == CHART_UNITS
    assert cache.get(("X0", 2025), 1010.0) is None  # the oldest went first
    assert cache.get((f"X{CHART_UNITS + 9}", 2025), 1010.0) == (b"png",)
