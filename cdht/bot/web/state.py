"""What every Mini App request needs, kept on the sub-application: the composition root's app, the signers, the
templates and the clock."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment

from cdht.bot.composition import App
from cdht.bot.web.security import OpenLinks, Sessions
from cdht.handlers.context import MediaFetcher, Services

STATE: web.AppKey[MiniApp] = web.AppKey("miniapp")
CHART_SECONDS = 60.0
CHART_UNITS = 64


@dataclass
class ChartCache:
    """A unit's charts for a minute: a page shows two, and officers of one area open the same pages."""

    drawn: dict[tuple[str, int], tuple[float, tuple[bytes, ...]]] = field(default_factory=dict)

    def get(self, key: tuple[str, int], now: float) -> tuple[bytes, ...] | None:
        kept = self.drawn.get(key)
        return kept[1] if kept is not None and kept[0] > now else None

    def put(self, key: tuple[str, int], charts: tuple[bytes, ...], now: float) -> None:
        self.drawn = {k: v for k, v in self.drawn.items() if v[0] > now}
        if len(self.drawn) >= CHART_UNITS:
            self.drawn.pop(min(self.drawn, key=lambda k: self.drawn[k][0]))
        self.drawn[key] = (now + CHART_SECONDS, charts)


@dataclass
class MiniApp:
    application: App
    sessions: Sessions
    links: OpenLinks
    templates: Environment
    fetcher: MediaFetcher
    telegram_token: str | None  # initData is signed with it; None: Telegram is not configured
    secure_cookie: bool
    clock: Callable[[], float] = field(default=time.time)
    charts: ChartCache = field(default_factory=ChartCache)
    spent_links: dict[str, float] = field(default_factory=dict)  # link digest -> when it would have expired

    def spend_link(self, token: str) -> bool:
        """Use a signed link up; False when it was used already. Held by the one process serving the pages,
        so a restart within a link's lifetime forgets it: links live minutes (`CDHT_MINIAPP_LINK_MINUTES`)."""
        now = self.clock()
        for digest in [d for d, until in self.spent_links.items() if until < now]:
            del self.spent_links[digest]
        digest = hashlib.sha256(token.encode()).hexdigest()
        if digest in self.spent_links:
            return False
        self.spent_links[digest] = now + self.application.settings.miniapp_link_minutes * 60
        return True

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def today(self) -> date:
        return self.now().astimezone(ZoneInfo(self.application.settings.timezone)).date()

    @property
    def year(self) -> int:
        return self.application.settings.year_for(self.today())

    def services(self) -> Services:
        return self.application.services(self.fetcher, self.today())


def state_of(request: web.Request) -> MiniApp:
    return request.config_dict[STATE]
