"""A real `cdht run` process for browser tests: SQLite data seeded in the test process (the demo district, Thôn
Đông's answers complete with a photo as evidence, waiting for the commune officer's review), long polling the
fake Telegram Bot API, which runs on a `LoopThread` of the test so that it keeps answering while Selenium
blocks. Telegram sees the bot's HTTP server at PUBLIC_URL; the browser reaches it at `url`
(http://localhost:<port>), as a TLS proxy would forward it."""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

from cdht.config import Settings
from tests.browser.loop_thread import LoopThread
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_user import TelegramUser
from tests.scale.processes import CdhtProcess, cdht_environment
from tests.support import YEAR, answer_everything, chat, console_clock, open_demo_app

PUBLIC_URL = "https://cdht.test"
MINIAPP_SECRET = "browser-tests-miniapp-secret-32c"
HEAD_T1 = "+84902000001"  # Nguyễn Văn An, trưởng thôn Thôn Đông (DEMO-SH-X1-T1): answered everything
# People on Telegram: (user id, first name, phone as the contact they share carries it)
OFFICER_X1 = (7101, "Thu", "0901000001")  # Phan Thị Thu, cán bộ xã An Bình (DEMO-SH-X1)
OFFICER_X2 = (7102, "Quang", "0901000002")  # Võ Văn Quang, cán bộ xã Hòa Lạc (DEMO-SH-X2): another commune
DISTRICT = (7103, "Huyện", "0900000002")  # Lê Văn Huyện, huyện Sơn Hà (DEMO-SH)
START_SECONDS = 60.0


async def seed(data_dir: Path) -> None:
    """The demo roster, and Thôn Đông's village head answering everything on the console (a photo for each
    evidence question, kept in the data folder's file store)."""
    settings = Settings(data_dir=data_dir, assessment_year=YEAR, _env_file=None)
    async with open_demo_app(settings) as application:
        head, _ = await chat(application, HEAD_T1, console_clock())
        await answer_everything(application, head, HEAD_T1, real_photo(data_dir.parent))


def real_photo(folder: Path) -> Path:
    """A small JPEG a browser can decode (the review page shows it as an <img>)."""
    photo = folder / "hop-thon.jpg"
    image = Image.new("RGB", (160, 120), (21, 101, 192))
    image.paste((255, 193, 7), (40, 30, 120, 90))
    image.save(photo, "JPEG", quality=85)
    return photo


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """`cdht run` on a copy of seeded data. `start()` returns once it polls getUpdates (and, with the Mini App
    on, its HTTP server listens); `stop()` sends SIGTERM and waits. Every wait fails with the process's log and what the bot sent."""

    def __init__(self, loop: LoopThread, folder: Path, seeded: Path, **settings: str) -> None:
        self.loop = loop
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.data_dir = folder / "data"
        shutil.copytree(seeded, self.data_dir)
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"  # where the browser reaches the bot's HTTP server
        self.settings = settings
        self.api = FakeTelegramAPI()
        self.process: CdhtProcess | None = None

    def start(self) -> BotProcess:
        self.loop.run(self.api.start())
        env = cdht_environment(
            self.folder,
            self.api.base_url,
            data_dir=str(self.data_dir),
            assessment_year=str(YEAR),
            public_url=PUBLIC_URL,
            http_host="127.0.0.1",
            http_port=str(self.port),
            miniapp_secret=MINIAPP_SECRET,
            **self.settings,
        )
        self.process = CdhtProcess(["run"], env, self.folder, "cdht-run")
        self.wait(lambda: bool(self.api.calls_to("getUpdates")), "the bot to poll getUpdates", START_SECONDS)
        if self.settings.get("miniapp", "true") != "false":
            self.wait_http()
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.loop.run(self.process.stop())
        self.loop.run(self.api.close())

    # ---- the bot's HTTP server -------------------------------------------------------------------
    def local(self, public: str) -> str:
        """A public URL of the bot (a web_app button's, a signed link's) as the browser reaches it."""
        assert public.startswith(PUBLIC_URL + "/"), public
        return self.url + public.removeprefix(PUBLIC_URL)

    def wait_http(self, seconds: float = 10.0) -> None:
        """Until the bot's HTTP server accepts connections."""

        def accepts() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                return False

        self.wait(accepts, f"the HTTP server on port {self.port}", seconds)

    # ---- people on Telegram ----------------------------------------------------------------------
    def user(self, who: tuple[int, str, str]) -> TelegramUser:
        return TelegramUser(self.api, *who)

    def send(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (made by a TelegramUser: text, contact, tap, photo...) for the bot's next poll."""
        return self.loop.run(self.api.push(update))

    def register(self, who: tuple[int, str, str]) -> TelegramUser:
        """/start, then share one's own contact, as a person in the roster does; returns after the welcome."""
        person = self.user(who)
        self.send(person.text("/start"))
        self.wait_reply(person, "Chia sẻ số điện thoại")
        before = len(self.texts(person))  # the answer to /start greets too
        self.send(person.contact())
        self.wait_reply(person, "Xin chào", after=before)
        return person

    def texts(self, person: TelegramUser) -> list[str]:
        """Every text (and caption) the bot sent this person, in order."""
        return self.api.texts(person.id)

    def wait_reply(self, person: TelegramUser, words: str, seconds: float = 20.0, *, after: int = 0) -> str:
        """The first text the bot sent this person, from the `after`-th on, that contains `words`."""

        def found() -> str | None:
            return next((t for t in self.texts(person)[after:] if words in t), None)

        self.wait(lambda: found() is not None, f"a reply to {person.first_name} with {words!r}", seconds)
        return found() or ""

    def web_app_urls(self, person: TelegramUser) -> list[str]:
        """The URLs of the Mini App buttons (inline `web_app`) in this person's chat, newest message last."""
        return [
            button["web_app"]["url"]
            for message in self.api.chat_messages(person.id)
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for button in row
            if "web_app" in button
        ]

    # ---- waiting -------------------------------------------------------------------------------------
    def wait(self, condition: Callable[[], bool], what: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert self.process is not None
            if not self.process.alive:
                raise AssertionError(f"cdht run died while waiting for {what}:\n{self.process.output()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}\n{self.describe()}")
            time.sleep(0.05)

    def describe(self) -> str:
        sent = "\n".join(f"{c.method} {c.chat_id} {c.status}" for c in self.api.calls[-15:])
        log = self.process.output() if self.process is not None else ""
        return f"--- last calls to the fake Telegram API\n{sent}\n--- cdht run's log\n{log}"
