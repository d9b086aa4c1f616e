"""The dependencies of a running bot, built once from ``Settings`` and passed in (no globals)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from services.alerts.poller import AlertSettings
from services.alerts.rules import Margins
from services.alerts.service import AlertService
from services.alerts.store import AlertStore
from services.ask.service import AskLimits, AskModel, AskService
from services.narration.base import Narrator
from services.narration.template import TemplateNarrator
from services.ops.metrics import Metrics
from services.report.editions import ChartRenderer, EditionCache, FixedSource, SnapshotSource
from services.report.history import FixedHistory, StoredHistory
from services.storage import Database, open_database
from services.storage.closes import ClosesStore
from services.storage.editions import EditionStore
from services.storage.languages import LanguageStore
from services.storage.subscriptions import SubscriptionStore
from services.storage.usage import UsageStore
from services.watch.history import NO_HISTORY, HistoryReader
from services.watch.resolve import Quotes
from services.watch.service import WatchService
from services.watch.store import WatchStore

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # the SDK costs ~1.5 s to import: only a configured model loads it
    import httpx2


@dataclass
class Container:
    settings: Settings
    db: Database
    subscriptions: SubscriptionStore
    editions: EditionCache
    narrator: Narrator
    charts: ChartRenderer | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    chart_names: tuple[str, ...] = ()  # what ``charts`` can draw (``/chart NAME``)
    ask: AskService | None = None  # ``/ask``
    languages: LanguageStore | None = None  # what each chat or channel chose with /lang
    watch: WatchService | None = None  # ``/watch``, ``/watchlist``, the briefing's block
    alerts: AlertService | None = None  # ``/alert``
    closes: ClosesStore | None = None  # the history: daily closes per instrument
    metrics: Metrics = field(default_factory=Metrics)  # what /metrics shows (services.ops)

    async def close(self) -> None:
        aclose = getattr(self.narrator, "aclose", None)
        if aclose is not None:
            await aclose()
        if self.ask is not None:
            await self.ask.aclose()
        await self.db.close()


def wants_model(settings: Settings) -> bool:
    """Claude narrates with NARRATOR=anthropic, or with NARRATOR=auto and a key set."""
    if settings.narrator == "auto":
        return settings.anthropic_key is not None
    return settings.narrator == "anthropic"


def make_narrator(settings: Settings, http_client: httpx2.AsyncClient | None = None,
                  metrics: Metrics | None = None) -> Narrator:
    """Claude when configured (``wants_model``), else the template narrator."""
    if not wants_model(settings):
        return TemplateNarrator()
    import anthropic

    from services.narration.anthropic import AnthropicNarrator, has_credentials
    from services.narration.anthropic import client as anthropic_client

    try:
        sdk = anthropic_client(settings.anthropic_key, settings.anthropic_base_url,
                               settings.anthropic_timeout_s, http_client)
    except anthropic.AnthropicError as exc:  # e.g. a credentials profile that cannot be read
        log.warning("NARRATOR=%s but the Anthropic client cannot be set up (%s); the template "
                    "narrator writes", settings.narrator, type(exc).__name__)
        return TemplateNarrator()
    if not has_credentials(sdk):
        log.warning("NARRATOR=%s but no Anthropic credentials (set ANTHROPIC_API_KEY); the "
                    "template narrator writes", settings.narrator)
        return TemplateNarrator()
    return AnthropicNarrator(sdk, settings.anthropic_model, settings.anthropic_max_tokens,
                             settings.anthropic_timeout_s, settings.anthropic_effort or None,
                             metrics=metrics)


def ask_limits(settings: Settings) -> AskLimits:
    return AskLimits(max_chars=settings.ask_max_chars, per_user=settings.ask_per_user,
                     window_s=settings.ask_window_s, daily_tokens=settings.ask_daily_tokens,
                     timeout_s=settings.ask_timeout_s)


def make_ask_model(settings: Settings, http_client: httpx2.AsyncClient | None = None
                   ) -> AskModel | None:
    """Claude for ``/ask`` when it narrates (``wants_model``) and has credentials, else
    ``None`` (the keyword route)."""
    if not wants_model(settings) or settings.ask_daily_tokens == 0:
        return None
    from services.ask.claude import ClaudeAnswerer
    from services.narration.anthropic import client as anthropic_client
    from services.narration.anthropic import has_credentials

    sdk = anthropic_client(settings.anthropic_key, settings.anthropic_base_url,
                           settings.ask_timeout_s, http_client)
    if not has_credentials(sdk):
        return None  # NARRATOR=anthropic without a key: no credentials to call with
    return ClaudeAnswerer(sdk, settings.anthropic_model, settings.ask_max_tokens,
                          settings.anthropic_effort or None)


def make_ask(settings: Settings, db: Database, http_client: httpx2.AsyncClient | None = None
             ) -> AskService:
    return AskService(make_ask_model(settings, http_client), UsageStore(db),
                      ask_limits(settings))


async def open_db(url: str) -> Database:
    """``open_database``, or the one-line error saying why it cannot be opened
    (``DatabaseUnavailable``, or ``ConfigError`` for a URL that cannot work)."""
    from bot.failures import database_errors, database_failure

    try:
        return await open_database(url)
    except database_errors() as exc:
        raise database_failure(exc, url) from None


async def read_only_db(url: str) -> Database | None:
    """The database to read only (``push --dry-run``): None when its SQLite file does not
    exist; the one-line error when it cannot be reached or read."""
    from sqlalchemy import text

    from bot.failures import database_errors, database_failure
    from services.storage.db import open_read_only

    db = None
    try:
        db = await open_read_only(url)
        if db is not None:
            async with db.sessions() as session:  # reach it now: errors are one line here
                await session.execute(text("SELECT 1"))
        return db
    except database_errors() as exc:
        if db is not None:
            await db.close()
        raise database_failure(exc, url) from None


def alert_settings(settings: Settings) -> AlertSettings:
    return AlertSettings(poll_s=settings.alert_poll_s, max_per_chat=settings.alerts_max_per_chat,
                         messages_per_hour=settings.alert_messages_per_hour,
                         margins=Margins(settings.alert_rearm_fraction,
                                         settings.alert_rearm_level_pct))


def make_watch(settings: Settings, db: Database, quotes: Quotes,
               history: HistoryReader = NO_HISTORY) -> tuple[WatchService, AlertService]:
    """Watchlists and alerts over ``quotes`` (a ``QuoteFetcher`` on live clients). The history
    store plugs in as ``history`` (a ``HistoryReader``); without it no z is shown and z alerts
    are refused for want of a history."""
    watch = WatchService(WatchStore(db), quotes, max_items=settings.watch_max_items,
                         history=history, quote_ttl_s=settings.watch_quote_ttl_s)
    alerts = AlertService(AlertStore(db), watch.resolver, alert_settings(settings), history)
    return watch, alerts


def stored_history(closes: ClosesStore, record: bool = True) -> StoredHistory:
    """The history store as an edition reads it: the series the bot keeps (``KEPT_SERIES``,
    what ``history backfill`` fetches) and the snapshot's own, never a series an import
    brought for no edition (it would be listed every day as without a quote)."""
    from services.market_data.backfill import KEPT_SERIES

    return StoredHistory(closes, record=record, series=KEPT_SERIES)


def edition_history(source: SnapshotSource, closes: ClosesStore
                    ) -> FixedHistory | StoredHistory:
    """What editions are read against: a fixed source's own history (the sample's bundled
    year), else the store; editions of live data record their closes in it, editions of a
    given file do not."""
    if isinstance(source, FixedSource):
        if source.history is not None:
            return FixedHistory(source.history)
        return stored_history(closes, record=False)
    return stored_history(closes)


async def build_container(settings: Settings, source: SnapshotSource,
                          charts: ChartRenderer | None = None,
                          chart_names: tuple[str, ...] = (), quotes: Quotes | None = None,
                          history: HistoryReader | None = None,
                          metrics: Metrics | None = None) -> Container:
    """``quotes`` turns on watchlists and alerts; their z reads ``history`` (by default the
    history store). ``metrics`` is what counts (a new one without it)."""
    metrics = metrics or Metrics()
    db = await open_db(settings.database_url)
    narrator = make_narrator(settings, metrics=metrics)
    closes = ClosesStore(db, settings.history_retention_days)
    editions = EditionCache(source, narrator, settings.briefing_zone, language=settings.language,
                            history=edition_history(source, closes), metrics=metrics,
                            previous=EditionStore(db).previous)
    container = Container(settings, db, SubscriptionStore(db), editions, narrator, charts,
                          chart_names=chart_names, ask=make_ask(settings, db),
                          languages=LanguageStore(db, settings.language), closes=closes,
                          metrics=metrics)
    if quotes is not None:
        container.watch, container.alerts = make_watch(
            settings, db, quotes, closes if history is None else history)
    return container
