"""Fixtures of the browser tests (all marked `slow`): `browser`, Debian's Chromium under Selenium; `loop_thread`,
an event loop on its own thread for whatever the page talks to; `bot`, a started `cdht run` process on
seeded data (`tests/browser/bot_process.py`), or `start_bot(**settings)` for one set up otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selenium import webdriver

from tests.browser.bot_process import BotProcess, seed
from tests.browser.chromium import require_chromium, start_chromium
from tests.browser.loop_thread import LoopThread

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[webdriver.Chrome]:
    """A fresh headless Chromium (no cookies, no storage), 1280 px wide, in Vietnamese."""
    require_chromium()
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager, were it ever asked, downloads nothing
    driver = start_chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def loop_thread() -> Iterator[LoopThread]:
    loop = LoopThread()
    try:
        yield loop
    finally:
        loop.close()


@pytest.fixture(scope="session")
def seeded_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeded once per run (`bot_process.seed`); each `bot` works on its own copy."""
    data_dir = tmp_path_factory.mktemp("browser-seed") / "data"
    loop = LoopThread()  # the session fixture may be first asked for from inside a test's event loop
    try:
        loop.run(seed(data_dir), seconds=120)
    finally:
        loop.close()
    return data_dir


@pytest.fixture
def start_bot(
    loop_thread: LoopThread, seeded_data: Path, tmp_path: Path
) -> Iterator[Callable[..., BotProcess]]:
    """Start `cdht run` on a copy of the seeded data, with more CDHT_ settings (names without the prefix, e.g.
    `miniapp_cookie_samesite="Strict"`); it is stopped after the test."""
    started: list[BotProcess] = []

    def start(**settings: str) -> BotProcess:
        process = BotProcess(loop_thread, tmp_path / f"bot-{len(started)}", seeded_data, **settings)
        started.append(process)
        return process.start()

    try:
        yield start
    finally:
        for process in started:
            process.stop()


@pytest.fixture
def bot(start_bot: Callable[..., BotProcess]) -> BotProcess:
    """`cdht run` with the Mini App on, polling the fake Telegram API and listening on `bot.url`."""
    return start_bot()
