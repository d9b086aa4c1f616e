"""Build one ``MarketSnapshot`` from the live sources.

Every feed of a build starts at once; the build's ``Fetcher`` keeps each upstream to its limits
and every attempt inside the build deadline. A failed source leaves its figures missing, with a
warning naming the source and the reason; a figure with a fallback (A-share indices and coins, to
Yahoo) is hedged: its fallback starts when the primary fails or is slower than the hedge delay.
Trading calendars date and check every equity quote; a calendar past its data gives way to
sessions inferred from the data. No exception escapes ``MarketData.build``: whatever happens, a
snapshot comes back.

``build_with_history`` gives, alongside the snapshot, the closed sessions its answers carried (a
``History``: a year of daily closes per Yahoo daily quote, five days for Hong Kong), for the
history store to append. Only closed sessions are in it: the bar of a session still trading is
live, not a close, and with a calendar a bar on a non-session day or a session not yet completed
is left out too. Each series ends at its quote's own session.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from services.market_data.assembly import Assembly
from services.market_data.calendars import (
    EXCHANGES,
    Calendars,
    CalendarView,
    InferredSessions,
    Weekdays,
)
from services.market_data.feeds import Feeds
from services.market_data.fetcher import Fetcher
from services.market_data.instruments import WEEKDAYS
from services.market_data.providers.base import RetryPolicy
from services.market_data.settings import MarketDataSettings
from services.market_data.transport import HttpClients
from services.models.history import History
from services.models.snapshot import MarketSnapshot
from services.ops.metrics import Metrics

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Requests end this much before the build deadline (at most 5 % of it), so that the feeds report
# their own failures, figure by figure, before the build cuts them off.
DEADLINE_MARGIN_S = 0.5
# The macro layer trades on every New York session. Its round-the-clock quotes (futures, the
# dollar index) keep the bar of the New York day live until that day ends, so at an Asian
# morning their latest close is one session behind New York's; older than that is stale.
MACRO_CLOCK = "US"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class BuildResult:
    """A build's snapshot, and the closed sessions of the answers that gave its quotes
    (``history``: read from those answers when first asked for, after the snapshot)."""

    snapshot: MarketSnapshot
    read_history: Callable[[], History] = field(repr=False, compare=False)

    @cached_property
    def history(self) -> History:
        return self.read_history()


class MarketData:
    """Builds snapshots. Holds the clients (owned by the caller) and the calendars, loaded
    once."""

    def __init__(self, clients: HttpClients, settings: MarketDataSettings, *,
                 clock: Clock = utc_now,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 jitter: Callable[[], float] = random.random,
                 calendars: Calendars | None = None, metrics: Metrics | None = None) -> None:
        self._clients = clients
        self._metrics = metrics or Metrics()
        self._settings = settings
        self._clock = clock
        self._policy = RetryPolicy(timeout_s=settings.provider_timeout_s,
                                   attempts=settings.provider_attempts,
                                   retry_after_cap_s=settings.retry_after_cap_s, sleep=sleep,
                                   jitter=jitter)
        self._calendars = calendars
        self._loading: asyncio.Future[Calendars] | None = None

    def preload(self) -> None:
        """Start loading the trading calendars in a thread (about half a second), so that the
        first build does not wait for them. Call from a running event loop."""
        loading = self._loading
        failed = loading is not None and loading.done() and (
            loading.cancelled() or loading.exception() is not None)
        if self._calendars is None and (loading is None or failed):
            self._loading = asyncio.ensure_future(asyncio.to_thread(Calendars.load))
            self._loading.add_done_callback(self._keep_calendars)

    async def build(self) -> MarketSnapshot:
        """Today's snapshot: every figure that arrived in time, and a warning for every gap."""
        return (await self.build_with_history()).snapshot

    async def build_with_history(self) -> BuildResult:
        """Today's snapshot, and the closed sessions its answers carried (``History``)."""
        now = self._clock()
        started = time.monotonic()
        deadline = self._settings.build_deadline_s
        assembly = Assembly(now)
        calendars = self._calendar_future()

        views: dict[str, CalendarView | None] = {}

        async def calendar(market: str) -> CalendarView | Weekdays | None:
            if market == WEEKDAYS:
                return Weekdays()
            if market not in views:  # one view per market and build: it caches its answers
                views[market] = await self._calendar_at(calendars, market, now)
            return views[market]

        fetcher = Fetcher(self._clients, self._policy, deadline_s=deadline,
                          margin_s=min(DEADLINE_MARGIN_S, deadline * 0.05),
                          metrics=self._metrics)
        feeds = Feeds(fetcher, self._settings, assembly, calendar)
        work = {asyncio.create_task(_isolated(feed, figures, job, assembly)): (feed, figures)
                for feed, figures, job in feeds.all()}
        _, pending = await asyncio.wait(work, timeout=deadline)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in pending:
            assembly.cut_off(*work[task], deadline)

        remaining = max(0.0, deadline - (time.monotonic() - started))
        try:
            await asyncio.wait_for(self._check_sessions(calendar, assembly), remaining or 0.001)
        except TimeoutError:
            assembly.warn("calendar", "trading calendars not loaded before the deadline; "
                                      "session checks skipped", ())
        return BuildResult(assembly.snapshot(fetcher.traffic), assembly.history)

    def _calendar_future(self) -> asyncio.Future[Calendars]:
        if self._calendars is not None:
            future: asyncio.Future[Calendars] = asyncio.get_running_loop().create_future()
            future.set_result(self._calendars)
            return future
        self.preload()
        assert self._loading is not None
        return self._loading

    def _keep_calendars(self, loading: asyncio.Future[Calendars]) -> None:
        if not loading.cancelled() and loading.exception() is None:
            self._calendars = loading.result()

    async def _calendar_at(self, calendars: asyncio.Future[Calendars], market: str,
                           now: datetime) -> CalendarView | None:
        if market not in EXCHANGES:
            return None
        try:
            loaded = await asyncio.shield(calendars)
        except (ImportError, OSError, ValueError) as exc:
            log.warning("trading calendars unavailable (%s)", type(exc).__name__)
            return None
        return loaded.at(market, now)

    async def _check_sessions(
            self, calendar: Callable[[str], Awaitable[CalendarView | Weekdays | None]],
            assembly: Assembly) -> None:
        for market in EXCHANGES:
            view = await calendar(market)
            if isinstance(view, Weekdays):  # pragma: no cover - never a market's calendar
                continue
            if view is None:
                assembly.warn("calendar", f"{market} trading calendar unavailable; session "
                                          "checks skipped", ())
                continue
            if isinstance(view, InferredSessions):
                assembly.note(f"calendar {view.exchange}", view.note())
                inferred = assembly.latest_session(market)
                if inferred is not None:
                    assembly.mark_stale(market, inferred)
                continue
            problem = view.coverage_problem()
            if problem:
                assembly.warn(f"calendar {view.exchange}", problem, ())
                continue
            latest = view.latest_completed()
            if latest is not None:
                assembly.mark_stale(market, latest)
                before = view.previous_session(latest) if market == MACRO_CLOCK else None
                if before is not None:
                    assembly.mark_macro_stale(before, latest)
            assembly.calendar(market, view.sessions_near(), f"exchange_calendars {view.exchange}")


async def _isolated(feed: str, figures: tuple[str, ...],
                    job: Coroutine[Any, Any, None], assembly: Assembly) -> None:
    """The isolation point of one feed: a bug in it becomes a warning, never a failed build.
    Upstream failures are handled inside the feed, figure by figure."""
    try:
        await job
    except Exception as exc:  # the isolation point: logged with its traceback, reported
        log.exception("feed %s failed unexpectedly", feed)
        assembly.fail_feed(feed, f"internal error ({type(exc).__name__})", figures)


def all_sources_failed(snapshot: MarketSnapshot) -> bool:
    """True when no source delivered a single figure (no network, every upstream down)."""
    return not (snapshot.quotes or snapshot.crypto_market or snapshot.stablecoins
                or snapshot.protocols or snapshot.dexes or snapshot.a_share_breadth)
