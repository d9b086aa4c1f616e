"""Backfill: a trading year (or ``days``) of daily closes for every series the report reads.

Each series has its sources, tried in order until one gives closes:

- the A-share and Hong Kong indices: Eastmoney's daily klines (``api/qt/stock/kline/get``,
  ``klt=101``), then a Yahoo chart. Yahoo serves the Hong Kong indices only with short ranges,
  so their year comes from Eastmoney;
- the US indices, the sector ETFs, the macro quotes and the coins: Yahoo's spark batches (as the
  build asks for them: ``yahoo.SPARK_BATCH`` symbols a request, each answered in a chart's own
  shape), ``interval=1d`` over the shortest range that covers ``days`` (a coin's daily bar is
  its UTC day). A symbol its batch does not answer (the batch failed, left it out or garbled
  it) is asked for on its own, as a chart;
- USDT, USDC and DAI supply: DefiLlama's stablecoin charts.

All requests start at once. Only closes of completed sessions are kept
(``market_data.closes``). Every request goes through one ``Fetcher`` (the product's retry
policy and per-upstream limits). A series that no source could give is named with the reason;
the others are kept. ``backfill_into`` stores what came
back in the history store (an upsert: running it again refreshes, never duplicates).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from services.errors import UpstreamError, UpstreamFormatError
from services.history_io import KNOWN_UNITS
from services.market_data.calendars import EXCHANGES, Calendars, CalendarView
from services.market_data.closes import chart_closes, closed
from services.market_data.fetcher import Fetcher
from services.market_data.instruments import (
    CN_INDICES,
    COINS,
    HK_INDICES,
    SECTOR_ETFS,
    US_INDICES,
)
from services.market_data.providers import defillama, eastmoney, yahoo
from services.market_data.providers.base import RetryPolicy, decode_json
from services.market_data.transport import HttpClients, open_clients
from services.models.history import History, Series, Unit
from services.storage.closes import Appended, ClosesStore

# About thirteen months: a trading year of 250 sessions or more on every calendar (Shanghai
# has about 243 sessions in 365 days, Hong Kong 247, New York 251).
DEFAULT_DAYS = 400
MAX_DAYS = 20 * 366
BACKFILL_DEADLINE_S = 120.0
# Yahoo's ranges, shortest first, with the calendar days each covers.
YAHOO_RANGES: tuple[tuple[str, int], ...] = (("1mo", 31), ("3mo", 92), ("6mo", 183),
                                             ("1y", 366), ("2y", 731), ("5y", 1827),
                                             ("10y", 3653), ("max", MAX_DAYS))
# The macro quotes' Yahoo symbols (``yahoo.SYMBOLS`` wins where it names them too).
MACRO_SYMBOLS: dict[str, str] = {"DXY": "DX-Y.NYB", "TNX": "^TNX", "GOLD_FUT": "GC=F",
                                 "WTI_FUT": "CL=F", "VIX": "^VIX", "USDCNH": "CNH=X"}
YAHOO_HISTORY = {**MACRO_SYMBOLS, **yahoo.SYMBOLS}

KLINE, SPARK, CHART = "eastmoney kline", "yahoo spark", "yahoo chart"
SUPPLY = "defillama stablecoin chart"
# A spark batch's answer, by Yahoo symbol (``yahoo.split_spark``), once it has come.
SparkAnswers = Mapping[str, "asyncio.Future[dict[str, Any]]"]


class BackfillSettings(Protocol):
    yahoo_base_url: str
    eastmoney_history_url: str
    defillama_stablecoins_url: str
    provider_timeout_s: float
    provider_attempts: int
    retry_after_cap_s: float


@dataclass(frozen=True)
class Plan:
    """One series: its id, unit, market (for the calendar) and sources in order."""

    id: str
    unit: Unit
    market: str
    sources: tuple[str, ...]


def _plans() -> tuple[Plan, ...]:
    plans = [Plan(i.id, "index", i.market, (KLINE, CHART)) for i in CN_INDICES + HK_INDICES]
    plans += [Plan(i.id, "index", i.market, (SPARK, CHART)) for i in US_INDICES]
    plans += [Plan(i.id, "usd", i.market, (SPARK, CHART)) for i in SECTOR_ETFS]
    plans += [Plan(i, KNOWN_UNITS.get(i, "index"), "MACRO", (SPARK, CHART))
              for i in MACRO_SYMBOLS]
    plans += [Plan(i.id, "usd", "CRYPTO", (SPARK, CHART)) for i in COINS]
    plans += [Plan(i, "usd", "CRYPTO", (SUPPLY,)) for i in defillama.SUPPLY_IDS]
    return tuple(plans)


PLANS = _plans()
BY_ID = {plan.id: plan for plan in PLANS}
# The series the bot keeps in its history store (a backfill's, a live build's and an edition's
# closes are all among them): what its editions read from the store.
KEPT_SERIES = frozenset(BY_ID)
EQUITY_INDICES = tuple(i.id for i in US_INDICES + HK_INDICES + CN_INDICES)


@dataclass(frozen=True)
class Outcome:
    """What the backfill got for one series: its closes and source, or why none."""

    id: str
    series: Series | None
    problems: tuple[str, ...] = ()  # each source that failed, and why

    @property
    def sessions(self) -> int:
        return len(self.series) if self.series is not None else 0


@dataclass(frozen=True)
class Backfill:
    outcomes: tuple[Outcome, ...]
    requests: int  # HTTP requests sent, retries included
    requests_by_upstream: Mapping[str, int] = field(default_factory=dict)

    @property
    def history(self) -> History:
        return History({o.id: o.series for o in self.outcomes if o.series is not None})

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.series is None)


def yahoo_range(days: int) -> str:
    """The shortest Yahoo range covering ``days`` calendar days."""
    return next(name for name, covers in YAHOO_RANGES if covers >= days)


def kline_sessions(days: int) -> int:
    """Daily bars to ask for ``days`` calendar days: five sessions a week, and some."""
    return math.ceil(days * 5 / 7) + 10


class Backfiller:
    """Fetches the closes of the ``PLANS`` series over ``days`` up to ``now``."""

    def __init__(self, clients: HttpClients, settings: BackfillSettings, *,
                 calendars: Calendars | None,
                 deadline_s: float = BACKFILL_DEADLINE_S,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._clients = clients
        self._settings = settings
        self._calendars = calendars
        self._deadline_s = deadline_s
        self._policy = RetryPolicy(timeout_s=settings.provider_timeout_s,
                                   attempts=settings.provider_attempts,
                                   retry_after_cap_s=settings.retry_after_cap_s, sleep=sleep)

    async def run(self, now: datetime, days: int = DEFAULT_DAYS,
                  ids: Collection[str] | None = None) -> Backfill:
        if not 1 <= days <= MAX_DAYS:
            raise ValueError(f"days must be 1 to {MAX_DAYS}")
        plans = [p for p in PLANS if ids is None or p.id in ids]
        fetcher = Fetcher(self._clients, self._policy, deadline_s=self._deadline_s)
        views = {market: self._calendars.at(market, now) if self._calendars else None
                 for market in EXCHANGES}
        since = now.date() - timedelta(days=days)
        sparks = self._sparks(fetcher, [p.id for p in plans if SPARK in p.sources], days)
        try:
            outcomes = await asyncio.gather(*(self._one(fetcher, plan, now, days, since,
                                                        views.get(plan.market), sparks)
                                              for plan in plans))
        finally:
            for batch in set(sparks.values()):
                batch.cancel()
            await asyncio.gather(*sparks.values(), return_exceptions=True)
        return Backfill(tuple(outcomes), sum(fetcher.sent.values()), dict(fetcher.sent))

    def _sparks(self, fetcher: Fetcher, ids: list[str], days: int
                ) -> dict[str, asyncio.Future[dict[str, Any]]]:
        """One spark request per ``yahoo.SPARK_BATCH`` of ``ids``, all started now: each
        symbol's batch, by Yahoo symbol."""
        symbols = [YAHOO_HISTORY[i] for i in ids]
        batches: dict[str, asyncio.Future[dict[str, Any]]] = {}
        for at in range(0, len(symbols), yahoo.SPARK_BATCH):
            batch = tuple(symbols[at:at + yahoo.SPARK_BATCH])
            answer = asyncio.ensure_future(self._spark(fetcher, batch, yahoo_range(days)))
            batches |= dict.fromkeys(batch, answer)
        return batches

    async def _spark(self, fetcher: Fetcher, symbols: tuple[str, ...], range_: str
                     ) -> dict[str, Any]:
        request = yahoo.spark_request(self._settings.yahoo_base_url, symbols, range_)
        fetched = await fetcher.get(request)
        return yahoo.split_spark(decode_json(fetched.body, request.source))

    async def _one(self, fetcher: Fetcher, plan: Plan, now: datetime, days: int, since: date,
                   calendar: CalendarView | None, sparks: SparkAnswers) -> Outcome:
        problems: list[str] = []
        for source in plan.sources:
            try:
                if source == SPARK:
                    closes, label = await self._from_spark(sparks, plan, now, calendar)
                else:
                    closes, label = await self._fetch(fetcher, source, plan, now, days,
                                                      calendar)
            except UpstreamError as exc:
                problems.append(f"{source}: {exc.reason}")
                continue
            kept = tuple((day, value) for day, value in closes if day >= since)
            if not kept:
                problems.append(f"{source}: no completed session since {since.isoformat()}")
                continue
            return Outcome(plan.id, Series(plan.id, label, plan.unit, kept), tuple(problems))
        return Outcome(plan.id, None, tuple(problems))

    async def _from_spark(self, sparks: SparkAnswers, plan: Plan, now: datetime,
                          calendar: CalendarView | None
                          ) -> tuple[tuple[tuple[date, float], ...], str]:
        symbol = YAHOO_HISTORY[plan.id]
        payload = (await asyncio.shield(sparks[symbol])).get(symbol)
        if payload is None:
            raise UpstreamFormatError(SPARK, f"{symbol} not in the answer")
        series = yahoo.parse_chart(payload, now=now)
        return chart_closes(series, payload, now, calendar), f"yahoo {symbol} daily close"

    async def _fetch(self, fetcher: Fetcher, source: str, plan: Plan, now: datetime, days: int,
                     calendar: CalendarView | None
                     ) -> tuple[tuple[tuple[date, float], ...], str]:
        settings = self._settings
        if source == KLINE:
            secid = eastmoney.KLINE_SECIDS[plan.id]
            request = eastmoney.kline_request(settings.eastmoney_history_url, secid,
                                              kline_sessions(days))
            fetched = await fetcher.get(request)
            payload = decode_json(eastmoney.strip_jsonp(fetched.body), request.source)
            klines = eastmoney.parse_kline(payload, secid=secid, now=now).value
            bars = ((k.session, k.close) for k in klines.bars)
            return closed(bars, now, eastmoney.SHANGHAI, calendar), f"eastmoney kline {secid}"
        if source == CHART:
            symbol = YAHOO_HISTORY[plan.id]
            request = yahoo.chart_request(settings.yahoo_base_url, symbol, yahoo_range(days))
            fetched = await fetcher.get(request)
            payload = decode_json(fetched.body, request.source)
            series = yahoo.parse_chart(payload, now=now)
            return chart_closes(series, payload, now, calendar), f"yahoo {symbol} daily close"
        stablecoin = defillama.SUPPLY_IDS[plan.id]
        request = defillama.supply_chart_request(settings.defillama_stablecoins_url, stablecoin)
        fetched = await fetcher.get(request)
        payload = decode_json(fetched.body, request.source)
        points = defillama.parse_supply_chart(payload, now=now).value
        return (tuple((p.day, p.circulating_usd) for p in points),
                f"defillama stablecoin {stablecoin} circulating USD")


async def backfill_into(store: ClosesStore, clients: HttpClients, settings: BackfillSettings,
                        *, now: datetime, days: int = DEFAULT_DAYS,
                        calendars: Calendars | None,
                        ids: Collection[str] | None = None) -> tuple[Backfill, Appended]:
    """Fetch the closes and store them; what each series got, and what the store did."""
    result = await Backfiller(clients, settings, calendars=calendars).run(now, days, ids)
    appended = await store.import_history(result.history, now.date(), fetched_at=now)
    return result, appended


async def backfill_live(store: ClosesStore, settings: BackfillSettings, *, now: datetime,
                        days: int = DEFAULT_DAYS) -> tuple[Backfill, Appended]:
    """``backfill_into`` with the process's own HTTP clients and the trading calendars."""
    calendars = await asyncio.to_thread(Calendars.load)
    async with open_clients(settings.provider_timeout_s) as clients:
        return await backfill_into(store, clients, settings, now=now, days=days,
                                   calendars=calendars)
