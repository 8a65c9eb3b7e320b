"""What the Mini App keeps in memory: a unit's charts a minute, for a bounded number of units; its templates,
compiled once."""

from __future__ import annotations

from pathlib import Path

from cdht.bot.composition import open_app
from cdht.bot.serving import http_server
from cdht.bot.web.state import CHART_SECONDS, CHART_UNITS, STATE, ChartCache
from cdht.config import Settings


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


async def test_the_pages_templates_are_compiled_when_the_server_is_built(tmp_path: Path) -> None:
    """Before `cdht run` freezes its heap: compiled under load, they would hold a chat and stay unfrozen."""
    settings = Settings(
        _env_file=None, data_dir=tmp_path, public_url="https://cdht.test", miniapp_secret="s" * 32
    )
    async with open_app(settings) as application:
        server = http_server(application, ())
        [pages] = [r.get_info()["app"] for r in server.app.router.resources() if "app" in r.get_info()]
        environment = pages[STATE].templates
    assert environment.cache is not None
    assert len(environment.cache) == len(environment.list_templates()) >= 6
