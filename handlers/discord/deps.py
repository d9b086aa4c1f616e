"""What the Discord handlers need, passed in when the bot is built (no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from handlers.debounce import Debounce
from services.alerts.service import AlertService
from services.ask.service import AskService
from services.i18n import Translator, translator
from services.ops.metrics import Metrics
from services.report.editions import ChartRenderer, Edition, EditionCache
from services.storage.languages import LanguageStore
from services.storage.subscriptions import SubscriptionStore
from services.watch.service import WatchService

PLATFORM = "discord"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DiscordDeps:
    editions: EditionCache
    subscriptions: SubscriptionStore
    charts: ChartRenderer | None = None
    chart_names: tuple[str, ...] = ()
    default_time: str = "08:30"
    default_tz: str = "Asia/Hong_Kong"
    guild_id: int | None = None  # sync commands to this guild only (instant)
    clock: Callable[[], datetime] = field(default=_now)
    ask: AskService | None = None  # ``/ask``
    presses: Debounce = field(default_factory=Debounce)  # the section menu's double clicks
    watch: WatchService | None = None  # ``/watch``, ``/watchlist`` (and their cog)
    alerts: AlertService | None = None  # ``/alert``
    languages: LanguageStore | None = None  # each channel's /lang choice (None: all default)
    language: str = "en"  # the LANGUAGE setting: for channels that did not choose
    metrics: Metrics = field(default_factory=Metrics)  # command latency (``tree.observe``)

    async def language_of(self, channel_id: int | str | None) -> str:
        """The channel's language: its /lang choice, else the default."""
        if self.languages is None or channel_id is None:
            return self.language
        return await self.languages.chosen(PLATFORM, str(channel_id)) or self.language

    async def tr_of(self, channel_id: int | str | None) -> Translator:
        return translator(await self.language_of(channel_id))

    async def edition_for(self, channel_id: int | str | None) -> Edition:
        """The current edition in the channel's language."""
        current = await self.editions.current()
        return await current.localised(await self.language_of(channel_id))
