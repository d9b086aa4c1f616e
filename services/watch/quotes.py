"""Quotes of any listing, through the data path's own fetcher (one build: per-upstream limits,
429 backoff and circuit, every attempt inside the deadline).

``QuoteFetcher.fetch(listings)`` asks each upstream once per instrument at most: one Yahoo
chart per symbol (Yahoo's chart takes one symbol), one Eastmoney ulist per 100 A-share codes,
one CoinGecko simple/price per 250 coins; all in flight at once. Every listing comes back as a
``WatchQuote``: ``ok`` with its figures, ``unknown`` when the upstream says there is no such
instrument (a 404 chart, a code absent from the answer), ``failed`` with the reason when it
could not be asked or answered badly. Lookups for the resolver (Yahoo and CoinGecko search)
go through the same fetcher.

The parsing is the providers' (pure); turning their values into ``WatchQuote`` is pure too
(``from_chart``, ``from_board``, ``from_coin``).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

from services.errors import UpstreamError, UpstreamStatus
from services.market_data.fetcher import Fetcher
from services.market_data.providers import coingecko, eastmoney, yahoo
from services.market_data.providers.base import RetryPolicy, decode_json
from services.market_data.settings import MarketDataSettings
from services.market_data.transport import HttpClients
from services.ops.metrics import Metrics
from services.watch.instruments import Listing

Status = Literal["ok", "unknown", "failed"]
MAX_INDEX_MOVE_PCT = 25.0
MAX_STOCK_MOVE_PCT = 90.0  # a listed stock can double; past this a figure is not believed
MAX_COIN_MOVE_PCT = 90.0
WINDOW_24H = "24h"
WATCH_RANGE = "5d"  # enough for a close and the one before it


@dataclass(frozen=True)
class WatchQuote:
    """One instrument's latest figures, or why there are none."""

    id: str
    status: Status
    source: str
    price: float | None = None
    change_pct: float | None = None  # vs the previous session's close; coins: rolling 24 h
    session: date | None = None  # the trading date of ``price`` (coins: UTC date)
    as_of: datetime | None = None
    live: bool = False  # its session is still trading: a price, not a close
    window: str | None = None  # WINDOW_24H for coins; None: session over session
    name: str | None = None  # the vendor's name (verification)
    problem: str | None = None  # why there is no price

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.price is not None


@dataclass(frozen=True)
class QuoteBatch:
    quotes: Mapping[str, WatchQuote]  # by listing id
    requests: Mapping[str, int]  # requests sent, by upstream
    fetched_at: datetime

    def get(self, listing_id: str) -> WatchQuote | None:
        return self.quotes.get(listing_id)


Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- pure: vendor values → WatchQuote ----------------------------------------------------------

def from_chart(listing: Listing, payload: Any, *, now: datetime) -> WatchQuote:
    """A Yahoo chart answer: the live price when the session is trading, else the last
    completed close; the change is against the close before it."""
    identity = yahoo.chart_identity(payload)
    series = yahoo.parse_chart(payload, now=now)
    bound = MAX_INDEX_MOVE_PCT if listing.kind == "index" else MAX_STOCK_MOVE_PCT
    live_bar = next((b for b in series.bars if b.session == series.live), None)
    if live_bar is not None:
        before = [b for b in series.bars if b.session < live_bar.session]
        previous = before[-1].close if before else None
        change = (live_bar.close / previous - 1) * 100 if previous else None
        return WatchQuote(listing.id, "ok", yahoo.SOURCE, live_bar.close,
                          _bounded(change, bound), live_bar.session,
                          series.as_of or live_bar.at, live=True, name=identity.name)
    daily = yahoo.last_close(series, max_move_pct=bound).value
    return WatchQuote(listing.id, "ok", yahoo.SOURCE, daily.close, daily.change_pct,
                      daily.session, daily.as_of, name=identity.name)


def from_board(listing: Listing, row: eastmoney.NamedQuote | None) -> WatchQuote:
    if row is None:
        return WatchQuote(listing.id, "unknown", eastmoney.SOURCE,
                          problem="no such code on Eastmoney")
    quote = row.quote
    if quote.close is None:
        return WatchQuote(listing.id, "failed", eastmoney.SOURCE, name=row.name,
                          problem="eastmoney: no price in the answer (suspended?)")
    return WatchQuote(listing.id, "ok", eastmoney.SOURCE, quote.close, quote.change_pct,
                      quote.session, quote.as_of, live=quote.intraday, name=row.name)


def from_coin(listing: Listing, price: coingecko.CoinPrice | None,
              fetched_at: datetime) -> WatchQuote:
    if price is None:
        return WatchQuote(listing.id, "unknown", coingecko.SOURCE,
                          problem="no such coin on CoinGecko")
    as_of = price.as_of or fetched_at
    return WatchQuote(listing.id, "ok", coingecko.SOURCE, price.price_usd,
                      price.change_pct_24h, as_of.astimezone(UTC).date(), as_of,
                      window=WINDOW_24H)


def failed(listing: Listing, exc: UpstreamError) -> WatchQuote:
    reason = exc.reason + (f" after {exc.attempts} attempts" if exc.attempts > 1 else "")
    return WatchQuote(listing.id, "failed", listing.source, problem=f"{exc.source}: {reason}")


def _bounded(change: float | None, bound: float) -> float | None:
    return change if change is None or abs(change) <= bound else None


def _chunks(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


# --- I/O ---------------------------------------------------------------------------------------

@dataclass
class _Build:
    fetcher: Fetcher
    now: datetime
    out: dict[str, WatchQuote] = field(default_factory=dict)


class QuoteFetcher:
    """Quotes and lookups over the process's HTTP clients (``transport.open_clients``)."""

    def __init__(self, clients: HttpClients, settings: MarketDataSettings, *,
                 clock: Clock = utc_now,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 jitter: Callable[[], float] = random.random,
                 metrics: Metrics | None = None) -> None:
        self._clients = clients
        self._settings = settings
        self._clock = clock
        self._metrics = metrics
        self._policy = RetryPolicy(timeout_s=settings.provider_timeout_s,
                                   attempts=settings.provider_attempts,
                                   retry_after_cap_s=settings.retry_after_cap_s, sleep=sleep,
                                   jitter=jitter)
        key = settings.coingecko_api_key
        self._coingecko_key = key.get_secret_value() if key is not None else None

    def _fetcher(self) -> Fetcher:
        return Fetcher(self._clients, self._policy, deadline_s=self._settings.build_deadline_s,
                       margin_s=min(0.5, self._settings.build_deadline_s * 0.05),
                       metrics=self._metrics)

    async def fetch(self, listings: Iterable[Listing]) -> QuoteBatch:
        """Every listing's quote, in one parallel build (each instrument asked once)."""
        unique = list({listing.id: listing for listing in listings}.values())
        build = _Build(self._fetcher(), self._clock())
        jobs = [self._yahoo(build, li) for li in unique if li.source == "yahoo"]
        board = [li for li in unique if li.source == "eastmoney"]
        coins = [li for li in unique if li.source == "coingecko"]
        for chunk in _chunks([li.symbol for li in board], eastmoney.MAX_SECIDS):
            jobs.append(self._eastmoney(build, [li for li in board if li.symbol in chunk]))
        for chunk in _chunks(sorted({li.symbol for li in coins}), coingecko.MAX_IDS):
            jobs.append(self._coingecko(build, [li for li in coins if li.symbol in chunk]))
        await asyncio.gather(*jobs)
        return QuoteBatch(dict(build.out), dict(build.fetcher.sent), build.now)

    async def _yahoo(self, build: _Build, listing: Listing) -> None:
        range_ = yahoo.range_for(listing.id) if listing.is_report_id else WATCH_RANGE
        request = yahoo.chart_request(self._settings.yahoo_base_url, listing.symbol, range_)
        unknown = WatchQuote(listing.id, "unknown", yahoo.SOURCE,
                             problem="no such symbol on Yahoo")
        try:
            fetched = await build.fetcher.get(request)
            payload = decode_json(fetched.body, yahoo.FEED)
            build.out[listing.id] = (unknown if yahoo.not_found(payload)
                                     else from_chart(listing, payload, now=build.now))
        except UpstreamStatus as exc:
            build.out[listing.id] = unknown if exc.status == 404 else failed(listing, exc)
        except UpstreamError as exc:
            build.out[listing.id] = failed(listing, exc)

    async def _eastmoney(self, build: _Build, listings: list[Listing]) -> None:
        request = eastmoney.quotes_request(self._settings.eastmoney_base_url,
                                           sorted({li.symbol for li in listings}))
        try:
            fetched = await build.fetcher.get(request)
            payload = decode_json(eastmoney.strip_jsonp(fetched.body), eastmoney.QUOTES_FEED)
            parsed = eastmoney.parse_quotes(payload, now=build.now)
        except UpstreamError as exc:
            for listing in listings:
                build.out[listing.id] = failed(listing, exc)
            return
        rejected = {r.figure: r.reason for r in parsed.rejected}
        for listing in listings:
            why = rejected.get(listing.symbol)
            build.out[listing.id] = (
                WatchQuote(listing.id, "failed", eastmoney.SOURCE,
                           problem=f"{eastmoney.QUOTES_FEED}: {why}")
                if why is not None else from_board(listing, parsed.value.get(listing.symbol)))

    async def _coingecko(self, build: _Build, listings: list[Listing]) -> None:
        request = coingecko.prices_request(self._settings.coingecko_base_url,
                                           sorted({li.symbol for li in listings}),
                                           self._coingecko_key)
        try:
            fetched = await build.fetcher.get(request)
            parsed = coingecko.parse_prices(decode_json(fetched.body, coingecko.PRICE_FEED),
                                            now=build.now, max_move_pct=MAX_COIN_MOVE_PCT)
        except UpstreamError as exc:
            for listing in listings:
                build.out[listing.id] = failed(listing, exc)
            return
        rejected = {r.figure: r.reason for r in parsed.rejected}
        for listing in listings:
            why = rejected.get(listing.symbol)
            build.out[listing.id] = (
                WatchQuote(listing.id, "failed", coingecko.SOURCE,
                           problem=f"{coingecko.PRICE_FEED}: {why}")
                if why is not None else from_coin(listing, parsed.value.get(listing.symbol),
                                                  fetched.date or build.now))

    async def search_coins(self, query: str) -> tuple[coingecko.CoinHit, ...]:
        """CoinGecko's coins for ``query``. Raises ``UpstreamError``."""
        fetched = await self._fetcher().get(coingecko.search_request(
            self._settings.coingecko_base_url, query, self._coingecko_key))
        return coingecko.parse_search(decode_json(fetched.body, coingecko.SEARCH_FEED))

    async def search_yahoo(self, query: str) -> tuple[yahoo.SearchHit, ...]:
        """Yahoo's symbols for ``query``. Raises ``UpstreamError``."""
        fetched = await self._fetcher().get(yahoo.search_request(self._settings.yahoo_base_url,
                                                                 query))
        return yahoo.parse_search(decode_json(fetched.body, yahoo.SEARCH_FEED))


def named(quote: WatchQuote, listing: Listing) -> Listing:
    """``listing`` with the name the verifying answer gave (the code when none)."""
    if listing.is_report_id or not quote.name:
        return listing
    return replace(listing, name=quote.name[:120])
