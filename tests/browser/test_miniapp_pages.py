"""The Mini App in real Chromium against a real `cdht run` on seeded data, opened as Telegram opens it: the URL of
the web_app button the bot sent after /tiendo, with the launch parameters (signed initData) in the fragment.
One bot and one browser for the module; each test signs in afresh, so they hold in any order. Screenshots at a
phone's and a desktop's width land in tests/artifacts/miniapp/."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.bot_process import DISTRICT, OFFICER_X1, PUBLIC_URL, BotProcess
from tests.browser.chromium import page_text, require_chromium, screenshot, start_chromium, wait_text
from tests.browser.loop_thread import LoopThread
from tests.fakes.telegram_api import TOKEN
from tests.fakes.telegram_user import TelegramUser
from tests.fakes.telegram_web_app import sign_init_data

VILLAGE = "DEMO-SH-X1-T1"  # Thôn Đông: answered everything with photos, waiting for review
REASON = "Số công dân chưa khớp sổ hộ khẩu"


@pytest.fixture(scope="module")
def chromium() -> Iterator[webdriver.Chrome]:
    require_chromium()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")
        driver = start_chromium()
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, seeded_data: Path) -> Iterator[BotProcess]:
    require_chromium()  # no bot started for nothing when the browser tests are skipped
    loop = LoopThread()
    process = BotProcess(loop, tmp_path_factory.mktemp("miniapp-pages"), seeded_data)
    try:
        process.start()
        yield process
    finally:
        process.stop()
        loop.close()


@pytest.fixture(scope="module")
def people(bot: BotProcess) -> dict[str, TelegramUser]:
    return {"officer": bot.register(OFFICER_X1), "district": bot.register(DISTRICT)}


def open_from_telegram(driver: webdriver.Chrome, bot: BotProcess, person: TelegramUser) -> str:
    """/tiendo, then the web_app button of the reply opened as Telegram does; returns the button's URL."""
    before = len(bot.web_app_urls(person))
    bot.send(person.text("/tiendo"))
    bot.wait(lambda: len(bot.web_app_urls(person)) > before, f"a web_app button for {person.first_name}", 20)
    url = bot.web_app_urls(person)[-1]
    assert url.startswith(PUBLIC_URL + "/app/"), url
    user = {"id": person.id, "first_name": person.first_name, "language_code": "vi"}
    init_data = sign_init_data(TOKEN, user, auth_date=int(time.time()))
    driver.get(bot.url + "/app/")  # cookies are per host: clear this host's before the fresh launch
    driver.delete_all_cookies()
    launch = f"#tgWebAppData={quote(init_data, safe='')}&tgWebAppVersion=8.0&tgWebAppPlatform=android"
    driver.get(bot.local(url) + launch)
    try:
        WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
            lambda _: driver.execute_script(
                "return document.readyState === 'complete' && !document.getElementById('launcher')"
            )
        )
    except TimeoutException:
        raise AssertionError(f"the launcher did not sign in:\n{page_text(driver)}") from None
    return url


def visible_names(driver: webdriver.Chrome, table: str) -> list[str]:
    rows = driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")
    return [row.find_element(By.CSS_SELECTOR, "th").text for row in rows if row.is_displayed()]


def header(driver: webdriver.Chrome, table: str, title: str) -> WebElement:
    return driver.find_element(
        By.XPATH, f"//table[@id='{table}']//thead//button[normalize-space()='{title}']"
    )


def test_the_officer_opens_the_progress_page_from_the_tiendo_button(
    chromium: webdriver.Chrome, bot: BotProcess, people: dict[str, TelegramUser]
) -> None:
    url = open_from_telegram(chromium, bot, people["officer"])
    text = wait_text(chromium, "Các thôn (4)")
    assert "Xã An Bình" in text
    assert all(village in text for village in ("Thôn Đông", "Thôn Tây", "Thôn Nam", "Thôn Bắc"))
    assert "Hòa Lạc" not in text and "Thôn Một" not in text and "Tân Phú" not in text
    assert "Phan Thị Thu" in text  # who is signed in
    assert chromium.execute_script("return location.hash") == ""  # the launcher reloaded without initData
    assert chromium.current_url == bot.local(url)
    screenshot(chromium, "progress-commune")


def test_the_villages_table_filters_and_sorts(
    chromium: webdriver.Chrome, bot: BotProcess, people: dict[str, TelegramUser]
) -> None:
    open_from_telegram(chromium, bot, people["officer"])
    wait_text(chromium, "Các thôn (4)")
    search = chromium.find_element(By.CSS_SELECTOR, "[data-filter-for='villages']")
    search.send_keys("Đông")
    assert visible_names(chromium, "villages") == ["Thôn Đông"]
    search.clear()
    search.send_keys("thôn")
    assert len(visible_names(chromium, "villages")) == 4

    answered = header(chromium, "villages", "Đã trả lời")
    answered.click()  # ascending: Thôn Đông, the only one that answered, last
    assert visible_names(chromium, "villages")[-1] == "Thôn Đông"
    answered.click()
    descending = visible_names(chromium, "villages")
    assert descending[0] == "Thôn Đông"
    th = answered.find_element(By.XPATH, "..")
    assert th.get_attribute("aria-sort") == "descending"
    header(chromium, "villages", "Thôn").click()
    by_name = visible_names(chromium, "villages")
    assert by_name == ["Thôn Bắc", "Thôn Đông", "Thôn Nam", "Thôn Tây"]  # Vietnamese order: B < Đ < N < T
    header(chromium, "villages", "Thôn").click()
    assert visible_names(chromium, "villages") == by_name[::-1]


def test_the_officer_returns_an_answer_from_the_review_page(
    chromium: webdriver.Chrome, bot: BotProcess, people: dict[str, TelegramUser]
) -> None:
    open_from_telegram(chromium, bot, people["officer"])
    wait_text(chromium, "Các thôn (4)")
    chromium.find_element(By.XPATH, "//table[@id='villages']//a[normalize-space()='Thôn Đông']").click()
    wait_text(chromium, "Câu trả lời (")
    assert chromium.current_url.endswith(f"/app/review/{VILLAGE}")
    photo = chromium.find_element(By.CSS_SELECTOR, ".evidence img")
    chromium.execute_script("arguments[0].scrollIntoView()", photo)  # loading="lazy"
    WebDriverWait(chromium, 10).until(
        lambda _: chromium.execute_script("return arguments[0].complete", photo)
    )
    assert chromium.execute_script("return arguments[0].naturalWidth", photo) > 0, photo.get_attribute("src")
    screenshot(chromium, "review-village")

    box = chromium.find_element(By.CSS_SELECTOR, "#return-form input[name='q']")
    question = box.get_attribute("value")
    name = chromium.find_element(By.CSS_SELECTOR, f"#q-{question} .pick").text.split(".", 1)[1].strip()
    chromium.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    chromium.find_element(By.ID, "reason").send_keys(REASON)
    chromium.find_element(By.CSS_SELECTOR, "#return-form button.warn").click()
    text = wait_text(chromium, "Đã trả lại các câu đã chọn")
    assert chromium.find_element(By.CSS_SELECTOR, ".headline .state").text == "↩️ đã trả lại"
    assert f"Lý do trả lại lần trước: {REASON}" in text
    log = chromium.find_element(By.XPATH, "//section[h2='Nhật ký duyệt']").text
    assert f"↩️ trả lại «{name}»: {REASON}" in log, log
    # The returned answer is withdrawn for the head to answer again: it leaves the list of answers.
    assert not chromium.find_elements(By.ID, f"q-{question}"), text

    # Audited as /tralai audits it: the answer reopened, by the officer, with the reason.
    with sqlite3.connect(f"file:{bot.data_dir / 'cdht.sqlite3'}?mode=ro", uri=True) as database:
        audited = database.execute(
            "SELECT a.action, a.question_id, a.reason, p.name FROM audit_log a JOIN units u ON u.id = a.unit_id"
            " JOIN people p ON p.id = a.actor_id WHERE u.code = ? AND a.action != 'answer'",
            (VILLAGE,),
        ).fetchall()
    assert ("reopen", question, REASON, "Phan Thị Thu") in audited, audited


def test_the_district_admin_drills_down_to_a_commune(
    chromium: webdriver.Chrome, bot: BotProcess, people: dict[str, TelegramUser]
) -> None:
    open_from_telegram(chromium, bot, people["district"])
    wait_text(chromium, "Các đơn vị trực thuộc (3)")
    assert visible_names(chromium, "units") == [
        "Xã An Bình (dữ liệu mẫu)",
        "Xã Hòa Lạc (dữ liệu mẫu)",
        "Xã Tân Phú (dữ liệu mẫu)",
    ]
    screenshot(chromium, "progress-district")
    chromium.find_element(By.XPATH, "//table[@id='units']//a[contains(., 'Xã An Bình')]").click()
    text = wait_text(chromium, "Các thôn (4)")
    assert chromium.current_url.endswith("/app/progress/DEMO-SH-X1")
    assert "Huyện Sơn Hà" in chromium.find_element(By.CSS_SELECTOR, "nav.crumbs").text
    assert "Thôn Đông" in text and "Thôn Một" not in text


def test_the_dossier_page(
    chromium: webdriver.Chrome, bot: BotProcess, people: dict[str, TelegramUser]
) -> None:
    open_from_telegram(chromium, bot, people["officer"])
    wait_text(chromium, "Các thôn (4)")
    chromium.find_element(By.LINK_TEXT, "Hồ sơ").click()
    text = wait_text(chromium, "Tạo tệp")
    assert "Hồ sơ năm" in text and "Xã An Bình" in text
    assert chromium.find_elements(By.CSS_SELECTOR, "ul.choices button")
    screenshot(chromium, "dossier")


def test_without_telegrams_data_the_launcher_says_to_open_from_the_bot(
    chromium: webdriver.Chrome, bot: BotProcess
) -> None:
    chromium.get(bot.url + "/app/")
    chromium.delete_all_cookies()
    chromium.get(bot.url + "/app/progress")
    text = wait_text(chromium, "Xin mở trang này từ bot")
    assert "An Bình" not in text and "Đang đăng nhập" not in text
    assert not chromium.get_cookies()
    assert "Đăng xuất" not in page_text(chromium)
    screenshot(chromium, "launcher")
