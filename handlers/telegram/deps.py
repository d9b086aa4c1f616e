"""What the Telegram handlers need, built once from the Container and kept in ``bot_data``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from telegram.ext import ContextTypes

from handlers.debounce import Debounce
from services.alerts.service import AlertService
from services.ask.service import AskService
from services.delivery.media import MediaCache
from services.errors import TooSoon
from services.ops.metrics import Metrics
from services.report.editions import ChartRenderer, EditionCache
from services.storage.languages import LanguageStore
from services.storage.subscriptions import SubscriptionStore
from services.watch.service import WatchService

if TYPE_CHECKING:
    from bot.container import Container

DEPS_KEY = "deps"
Context = ContextTypes.DEFAULT_TYPE
PLATFORM = "telegram"


def utc_now() -> datetime:
    return datetime.now(UTC)


class Cooldown:
    """At most one use per key (a user) every ``seconds``."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[int, float] = {}

    def hit(self, key: int, what: str) -> None:
        """Record a use now, or raise ``TooSoon`` if the last one was too recent."""
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self.seconds:
            raise TooSoon(what, self.seconds - (now - last))
        self._last[key] = now


@dataclass
class TelegramDeps:
    editions: EditionCache
    subscriptions: SubscriptionStore
    default_time: str
    default_tz: str
    refresh: Cooldown
    weekend_editions: bool = True
    charts: ChartRenderer | None = None
    chart_names: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    clock: Callable[[], datetime] = utc_now
    media: MediaCache = field(default_factory=lambda: MediaCache(None))  # file_ids, per edition
    presses: Debounce = field(default_factory=Debounce)
    ask: AskService | None = None
    languages: LanguageStore | None = None  # each chat's /lang choice (None: all default)
    language: str = "en"  # the LANGUAGE setting: for chats that did not choose
    watch: WatchService | None = None
    alerts: AlertService | None = None
    metrics: Metrics = field(default_factory=Metrics)  # command latency (``routes.timed``)

    @classmethod
    def from_container(cls, container: Container) -> TelegramDeps:
        """``/chart`` offers ``container.chart_names``, else the ``names`` the renderer lists
        (as Discord does)."""
        settings, charts = container.settings, container.charts
        names = container.chart_names or tuple(getattr(charts, "names", ()))
        return cls(editions=container.editions, subscriptions=container.subscriptions,
                   default_time=settings.briefing_time, default_tz=settings.briefing_tz,
                   refresh=Cooldown(settings.refresh_cooldown_s),
                   weekend_editions=settings.weekend_editions, charts=charts,
                   chart_names=names if charts is not None else (),
                   channels=settings.telegram_channels, ask=container.ask,
                   languages=container.languages, language=settings.language,
                   watch=container.watch, alerts=container.alerts,
                   metrics=container.metrics)

    async def language_of(self, chat_id: int | str) -> str:
        """The chat's language: its /lang choice, else the default."""
        if self.languages is None:
            return self.language
        return await self.languages.chosen(PLATFORM, str(chat_id)) or self.language


def deps(context: Context) -> TelegramDeps:
    """The handlers' dependencies, from ``context.bot_data`` (put there by ``register``)."""
    return cast(TelegramDeps, context.bot_data[DEPS_KEY])
