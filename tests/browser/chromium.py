"""Debian's Chromium driven by its own chromedriver (explicit paths: Selenium Manager never looks for or
downloads a driver), headless, as root in a container; and what page tests do with it: wait for a text,
save full-page screenshots at a phone's and a desktop's width."""

from __future__ import annotations

import base64
import contextlib
import os
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "miniapp"
WIDTHS = (360, 1280)  # a small phone (Telegram's in-app browser), a desktop
MAX_SHOT_HEIGHT = 4000


def require_chromium() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        unavailable(f"{' and '.join(missing)} missing (apt-get install chromium chromium-driver)", "browser")


def start_chromium(*arguments: str) -> webdriver.Chrome:
    """Chromium with our switches and these (e.g. `--host-resolver-rules=MAP cdht.test 127.0.0.1`)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root in a container: Chromium's sandbox cannot start
        "--disable-dev-shm-usage",  # a container's /dev/shm is too small for Chromium's shared memory
        "--lang=vi",
        f"--window-size={WIDTHS[-1]},900",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",  # no update checks, no safe-browsing lists: nothing leaves 127.0.0.1
        *arguments,
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi-VN,vi"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(20)
    return driver


def page_text(driver: webdriver.Chrome) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)


def wait_text(driver: webdriver.Chrome, text: str, timeout: float = 10.0) -> str:
    """Wait until the page shows `text` (rendered, visible text); the page's text. Fails with what it shows."""
    try:
        WebDriverWait(
            driver, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
        ).until(
            lambda d: text in page_text(d)
        )  # a page replaced while read (the launcher reloads) is read again
    except TimeoutException:
        raise AssertionError(
            f"{text!r} did not appear within {timeout} s on {driver.current_url}:\n{page_text(driver)}"
        ) from None
    return page_text(driver)


def screenshot(driver: webdriver.Chrome, name: str) -> list[Path]:
    """Full-page PNGs of the current page at each width (`tests/artifacts/miniapp/<name>-<width>.png`), the
    page laid out for that width (a phone's as a mobile viewport), as tall as it is up to MAX_SHOT_HEIGHT."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved = []
    try:
        for width in WIDTHS:
            _emulate(driver, width, 800)
            height = int(driver.execute_script("return document.documentElement.scrollHeight"))
            _emulate(driver, width, min(max(height, 1), MAX_SHOT_HEIGHT))
            _wait_for_images(driver)
            shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
            path = ARTIFACTS / f"{name}-{width}.png"
            path.write_bytes(base64.b64decode(shot["data"]))
            saved.append(path)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return saved


def _wait_for_images(driver: webdriver.Chrome, seconds: float = 5.0) -> None:
    """Lazy images (`loading="lazy"`) load once the page is as tall as the shot; broken ones count as done."""
    with contextlib.suppress(TimeoutException):  # the shot shows what did load
        WebDriverWait(driver, seconds, poll_frequency=0.1).until(
            lambda d: d.execute_script(
                "return Array.prototype.every.call(document.images, function (i) { return i.complete; })"
            )
        )


def _emulate(driver: webdriver.Chrome, width: int, height: int) -> None:
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
