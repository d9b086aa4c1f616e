"""Build one ``MarketSnapshot`` from the live sources.

Every feed of a build starts at once; the build's ``Fetcher`` keeps each upstream to its limits
and every attempt inside the build deadline. A failed source leaves its figures missing, with a
warning naming the source and the reason; a figure with a fallback (A-share indices and coins, to
Yahoo) is hedged: its fallback starts when the primary fails or is slower than the hedge delay.
Trading calendars date and check every equity quote; a calendar past its data gives way to
sessions inferred from the data. No exception escapes ``MarketData.build``: whatever happens, a
snapshot comes back.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from services.market_data.assembly import Assembly
from services.market_data.calendars import EXCHANGES, Calendars, CalendarView, InferredSessions
from services.market_data.feeds import Feeds
from services.market_data.fetcher import Fetcher
from services.market_data.providers.base import RetryPolicy
from services.market_data.settings import MarketDataSettings
from services.market_data.transport import HttpClients
from services.models.snapshot import MarketSnapshot
from services.ops.metrics import Metrics

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Requests end this much before the build deadline (at most 5 % of it), so that the feeds report
# their own failures, figure by figure, before the build cuts them off.
DEADLINE_MARGIN_S = 0.5


def utc_now() -> datetime:
    return datetime.now(UTC)


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
        now = self._clock()
        started = time.monotonic()
        deadline = self._settings.build_deadline_s
        assembly = Assembly(now)
        calendars = self._calendar_future()

        views: dict[str, CalendarView | None] = {}

        async def calendar(market: str) -> CalendarView | None:
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
        return assembly.snapshot(fetcher.traffic)

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

    async def _check_sessions(self, calendar: Callable[[str], Awaitable[CalendarView | None]],
                              assembly: Assembly) -> None:
        for market in EXCHANGES:
            view = await calendar(market)
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
