"""A fake of every upstream the bot reads, serving one known market day in the vendors' shapes.

``World`` holds the figures; ``world.handler`` answers Yahoo chart and spark, Eastmoney ulist,
CoinGecko simple/price and global, DefiLlama stablecoins, protocols and dexs requests with them,
in the shapes of the recorded responses in ``../shared/fixtures``. ``world.faults[route]`` is a
list of modes applied to successive requests of that route: ``timeout``, ``500``, ``503``,
``404``, ``429`` (with ``Retry-After: 0``), ``429-long`` (``Retry-After: 120``), ``html``,
``truncated``, ``nulls`` (a well-formed answer whose values are null or ``"-"``).
``world.storm(prefix, s)`` answers every request of the routes starting with ``prefix`` with
Yahoo's plain-text 429 for the next ``s`` seconds.

Yahoo rules the fake keeps: a chart honours ``range`` (``1d`` and ``5d`` are the last one and
five bars, ``1mo`` and ``1y`` the bars of the month or year to ``now``) and ``interval`` (``1h``
gives hourly bars for the coins, unless ``coins_daily_only``); HSTECH.HK is served only with
ranges of five days or less (404 otherwise); ``meta.currentTradingPeriod`` is the regular
session of the day of ``now``, so a bar of a session still trading is live. Every equity and
macro series holds a year of daily bars, one per session of its exchange.

The spark (``/v7/finance/spark?symbols=A,B``) answers each symbol as its chart would, under
``spark.result[].response[0]``, as in the recorded spark answer. A symbol the chart would not
serve (unknown, or HSTECH.HK over a long range) is left out of the answer; when none is served,
the answer is a 404 with the spark's error body. More than ``SPARK_MAX_SYMBOLS`` symbols is a
400 (the limit public clients batch by). A spark request's route is ``yahoo:spark:`` and its
first symbol (``yahoo:spark:^GSPC``), so that a test can fault one batch; ``spark_gaps[symbol]``
makes every spark answer leave that symbol out (``omit``) or serve it with null closes
(``nulls``), while its chart stays as it is.
"""

from __future__ import annotations

import functools
import json
import time as clock
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from services.market_data.calendars import Calendars
from tests.upstream.listings import Listings
from tests.upstream.server import FakeRequest, Reply

# Tuesday 2026-11-24 08:30 in Hong Kong = Monday 19:30 in New York: every market's latest
# completed session is Monday 2026-11-23.
NOW = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)
SESSIONS = (date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20),
            date(2026, 11, 23))

NEW_YORK = ZoneInfo("America/New_York")
HONG_KONG = ZoneInfo("Asia/Hong_Kong")
SHANGHAI = ZoneInfo("Asia/Shanghai")

_US = {"^GSPC": 6640.0, "^IXIC": 22100.0, "^DJI": 46500.0, "XLK": 280.0, "XLF": 52.0,
       "XLE": 90.0, "XLV": 140.0, "XLU": 82.0, "XLP": 78.0, "XLY": 230.0, "XLI": 150.0,
       "XLB": 90.0, "XLRE": 42.0, "XLC": 110.0}
_HK = {"^HSI": 25300.0, "^HSCE": 9000.0, "HSTECH.HK": 5600.0}
_CN = {"000001.SS": 3950.0, "399001.SZ": 13100.0, "399006.SZ": 3100.0}
_CRYPTO = {"BTC-USD": 87000.0, "ETH-USD": 2900.0}
LONDON = ZoneInfo("Europe/London")
# The macro layer: (base, exchange zone). Futures and the dollar index date their bars by the
# New York day, FX by the London day (as the recorded ES=F, GC=F and EURUSD=X charts do).
_MACRO = {"DX-Y.NYB": (99.6, NEW_YORK), "^TNX": (4.39, NEW_YORK), "GC=F": (4570.4, NEW_YORK),
          "CL=F": (98.3, NEW_YORK), "^VIX": (18.4, NEW_YORK), "CNH=X": (7.12, LONDON)}
ZONES = ({s: NEW_YORK for s in _US} | {s: HONG_KONG for s in _HK} | {s: SHANGHAI for s in _CN}
         | {s: ZoneInfo("UTC") for s in _CRYPTO} | {s: zone for s, (_, zone) in _MACRO.items()})
MARKET_OF = ({s: "US" for s in _US} | {s: "HK" for s in _HK} | {s: "CN" for s in _CN}
             | {s: "US" for s in _MACRO})

FAULT_MODES = ("timeout", "500", "429", "html", "truncated", "nulls")
SHORT_RANGES = {"HSTECH.HK": ("1d", "5d")}  # symbols Yahoo serves only with short ranges
RANGE_BARS = {"1d": 1, "5d": 5}
RANGE_DAYS = {"1mo": 31, "3mo": 92, "6mo": 183, "1y": 366, "2y": 731}
SPARK_MAX_SYMBOLS = 20
YEAR_BARS = 260  # sessions of history before the last five
# Futures, the dollar index and FX trade round the clock: Yahoo's regular period is the whole
# day of their zone (the recorded ES=F, CLU23.NYM and EURUSD=X charts), so today's bar is live
# until that day ends, and bars are stamped at midnight.
ALL_DAY = ("DX-Y.NYB", "GC=F", "CL=F", "CNH=X")
WHOLE_DAY = (time(0, 0), time(23, 59))
REGULAR_HOURS = {NEW_YORK: (time(9, 30), time(16, 0)), HONG_KONG: (time(9, 30), time(16, 0)),
                 SHANGHAI: (time(9, 30), time(15, 0))}
NOT_FOUND = {"chart": {"result": None, "error": {
    "code": "Not Found", "description": "No data found, symbol may be delisted"}}}
SPARK_NOT_FOUND = {"spark": {"result": None, "error": {
    "code": "Not Found", "description": "No data found for spark symbols"}}}
SPARK_TOO_MANY = {"spark": {"result": None, "error": {
    "code": "Bad Request", "description": "Too many symbols"}}}


def _series(base: float, seed: int,
            sessions: tuple[date, ...] = SESSIONS) -> list[tuple[date, float | None]]:
    moves = [0.004, -0.006, 0.0025, -0.0015, 0.0059]
    closes: list[tuple[date, float | None]] = []
    price = base
    for i, day in enumerate(sessions):
        price *= 1 + moves[(i + seed) % len(moves)]
        closes.append((day, round(price, 4 if price < 20 else 2)))
    return closes


@functools.cache
def _calendars() -> Calendars:
    return Calendars.load()


@functools.cache
def _year_of_sessions(market: str, before: date) -> tuple[date, ...]:
    """The ``YEAR_BARS`` sessions of ``market`` before ``before`` (its exchange calendar)."""
    view = _calendars().at(market, datetime.combine(before, time(12), UTC))
    days: list[date] = []
    day = before
    while len(days) < YEAR_BARS:
        previous = view.previous_session(day) if view is not None else None
        if previous is None:  # past the calendar's data: weekdays
            previous = day - timedelta(days=1)
            while previous.weekday() >= 5:
                previous -= timedelta(days=1)
        days.insert(0, previous)
        day = previous
    return tuple(days)


def _year_before(first: float, seed: int, sessions: tuple[date, ...]
                 ) -> list[tuple[date, float | None]]:
    """Closes for ``sessions`` leading up to a first close of ``first``: a small, deterministic
    walk back from it (every move within ±1 %)."""
    moves = [0.006, -0.004, 0.0035, -0.007, 0.002, 0.0045, -0.003]
    closes: list[tuple[date, float | None]] = []
    price = first
    for i, day in enumerate(reversed(sessions)):
        price /= 1 + moves[(i + seed) % len(moves)]
        closes.insert(0, (day, round(price, 4 if price < 20 else 2)))
    return closes


def _with_year(symbol: str, base: float, seed: int) -> list[tuple[date, float | None]]:
    recent = _series(base, seed)
    first = recent[0][1]
    assert first is not None
    return _year_before(first, seed, _year_of_sessions(MARKET_OF[symbol], SESSIONS[0])) + recent


def _default_series() -> dict[str, list[tuple[date, float | None]]]:
    symbols = _US | _HK | _CN | {s: base for s, (base, _) in _MACRO.items()}
    series = {symbol: _with_year(symbol, base, i)
              for i, (symbol, base) in enumerate(symbols.items())}
    for i, (symbol, base) in enumerate(_CRYPTO.items()):
        days = [SESSIONS[-1] + timedelta(days=d) for d in (-2, -1, 0, 1)]
        series[symbol] = [(day, base * (1 + 0.01 * (k + i))) for k, day in enumerate(days)]
    return series


def _default_cn(last_session: date = SESSIONS[-1],
                now: datetime = NOW) -> dict[str, dict[str, Any]]:
    closed = min(datetime.combine(last_session, time(15, 0, 3), SHANGHAI),
                 now - timedelta(seconds=3)).astimezone(UTC)
    return {
        "1.000001": {"f12": "000001", "f13": 1, "f14": "上证指数", "f2": 3957.05, "f3": -1.24,
                     "f4": -49.69, "f6": 7.5e11, "f104": 313, "f105": 2011, "f106": 66,
                     "f124": int(closed.timestamp())},
        "0.399001": {"f12": "399001", "f13": 0, "f14": "深证成指", "f2": 13125.4, "f3": -0.25,
                     "f4": -32.9, "f6": 1.0e12, "f104": 1200, "f105": 1650, "f106": 40,
                     "f124": int(closed.timestamp())},
        "0.399006": {"f12": "399006", "f13": 0, "f14": "创业板指", "f2": 3120.5, "f3": 1.3,
                     "f4": 40.04, "f6": 4.1e11, "f104": 700, "f105": 640, "f106": 10,
                     "f124": int(closed.timestamp())},
    }


def dated(now: datetime, us: tuple[date, ...], hk: tuple[date, ...],
          cn: tuple[date, ...]) -> World:
    """A world at ``now`` whose daily bars fall on the given days of each market."""
    days = {**dict.fromkeys(_US, us), **dict.fromkeys(_HK, hk), **dict.fromkeys(_CN, cn),
            **dict.fromkeys(_MACRO, us)}
    bases = _US | _HK | _CN | {s: base for s, (base, _) in _MACRO.items()}
    series = {symbol: _series(base, i, days[symbol])
              for i, (symbol, base) in enumerate(bases.items())}
    today = now.date()
    for i, (symbol, base) in enumerate(_CRYPTO.items()):
        series[symbol] = [(today - timedelta(days=d), base * (1 + 0.01 * (d + i)))
                          for d in (2, 1, 0)]
    coins = World().coins
    for row in coins.values():
        row["last_updated_at"] = int(now.timestamp()) - 30
    market = {**World().global_market, "updated_at": int(now.timestamp()) - 60}
    return World(now=now, series=series, cn_rows=_default_cn(cn[-1], now), coins=coins,
                 global_market=market)


@dataclass
class World:
    now: datetime = NOW
    series: dict[str, list[tuple[date, float | None]]] = field(default_factory=_default_series)
    cn_rows: dict[str, dict[str, Any]] = field(default_factory=_default_cn)
    coins: dict[str, dict[str, Any]] = field(default_factory=lambda: {
        "bitcoin": {"usd": 87123.0, "usd_market_cap": 1.73e12, "usd_24h_vol": 4.1e10,
                    "usd_24h_change": 1.04, "last_updated_at": int(NOW.timestamp()) - 40},
        "ethereum": {"usd": 2950.5, "usd_market_cap": 3.5e11, "usd_24h_vol": 2.0e10,
                     "usd_24h_change": 0.5, "last_updated_at": int(NOW.timestamp()) - 35},
    })
    global_market: dict[str, Any] = field(default_factory=lambda: {
        "total_market_cap": {"usd": 3.05e12, "btc": 3.5e7}, "total_volume": {"usd": 1.2e11},
        "market_cap_change_percentage_24h_usd": 0.31, "updated_at": int(NOW.timestamp()) - 60,
        "active_cryptocurrencies": 17000})
    stablecoins: list[dict[str, Any]] = field(default_factory=lambda: [
        _pegged("1", "Tether", "USDT", 184.13e9, 183.27e9),
        _pegged("2", "USD Coin", "USDC", 79.10e9, 79.41e9),
        _pegged("5", "Dai", "DAI", 4.57e9, 4.555e9),
        _pegged("120", "PayPal USD", "PYUSD", 2.6e9, 2.5e9),
        _pegged("999", "Bridged USDC", "USDC", 1.2e9, 1.1e9),
    ])
    protocols: list[dict[str, Any]] = field(default_factory=lambda: [
        {"id": "1", "name": "Aave V3", "category": "Lending", "tvl": 3.1e10, "change_1d": 0.8},
        {"id": "2", "name": "Lido", "category": "Liquid Staking", "tvl": 2.6e10,
         "change_1d": -1.2},
        {"id": "3", "name": "Ondo Finance", "category": "RWA", "tvl": 1.4e9, "change_1d": 20.6},
        {"id": "4", "name": "Tiny Fork", "category": "Dexes", "tvl": 5.0e6, "change_1d": 3.0},
        {"id": "5", "name": "Ink Bridge", "category": "Bridge", "tvl": 2.0e7,
         "change_1d": 163000000.0},
        {"id": "6", "name": "Curvance", "category": "Lending", "tvl": 8.0e7, "change_1d": None},
        {"id": "7", "name": "Binance CEX", "category": "CEX", "tvl": 1.5e11, "change_1d": 0.4},
        {"id": "8", "name": "OKX", "category": "CEX", "tvl": 2.2e10, "change_1d": -0.3},
        {"id": "9", "name": "Hyperliquid L1", "category": "Chain", "tvl": 2.0e9,
         "change_1d": 1.1},
    ])
    dexes: list[dict[str, Any]] = field(default_factory=lambda: [
        {"name": "raydium", "displayName": "Raydium", "category": "Dexs", "total24h": 4.37e8,
         "total48hto24h": 2.566e8, "change_1d": 70.3, "parentProtocol": None},
        {"name": "uniswap-v4", "displayName": "Uniswap V4", "category": "Dexs",
         "total24h": 9.0e8, "total48hto24h": 1.099e9, "change_1d": None,
         "parentProtocol": "parent#uniswap"},
        {"name": "polymarket", "displayName": "Polymarket", "category": "Prediction Market",
         "total24h": 5.0e8, "total48hto24h": 4.0e8, "change_1d": 25.0},
    ])
    faults: dict[str, list[str]] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    storms: dict[str, float] = field(default_factory=dict)  # route prefix → until (monotonic)
    spark_gaps: dict[str, str] = field(default_factory=dict)  # symbol → "omit" | "nulls"
    coins_daily_only: bool = False
    early_closes: dict[tuple[str, date], time] = field(default_factory=dict)  # (zone, day)
    # instruments beyond the report's (watchlists and alerts): tests/upstream/listings.py
    listings: Listings = field(default_factory=Listings)

    def storm(self, prefix: str, seconds: float) -> None:
        self.storms[prefix] = clock.monotonic() + seconds

    # --- routing

    def handler(self, request: FakeRequest) -> Reply:
        route, make = self._route(request)
        self.hits[route] = self.hits.get(route, 0) + 1
        if any(route.startswith(prefix) and clock.monotonic() < until
               for prefix, until in self.storms.items()):
            return Reply(status=429, body=b"Edge: Too Many Requests", content_type="text/plain")
        if route.startswith("yahoo:") and (rule := self._yahoo_rule(request)) is not None:
            return rule
        queue = self.faults.get(route, [])
        mode = queue.pop(0) if queue else None
        if mode is None or mode == "nulls":
            payload = make(mode == "nulls")
            return Reply(body=json.dumps(payload, ensure_ascii=False).encode())
        return fault_reply(mode, make(False))

    def route_of(self, url: str) -> str:
        """The route key (``yahoo:^GSPC``, ``eastmoney`` …) a request to ``url`` is served by."""
        path = urlsplit(url).path
        return self._route(FakeRequest("GET", path, {}, {}, path))[0]

    def _route(self, request: FakeRequest) -> tuple[str, Any]:
        path = request.path
        if path == "/yahoo/v1/finance/search":
            return "yahoo:search", lambda nulls: self.listings.search(request.query.get("q", ""))
        if path == "/coingecko/api/v3/search":
            return "coingecko:search", lambda nulls: self.listings.coin_search(
                request.query.get("query", ""))
        if path == "/yahoo/v7/finance/spark":
            symbols = [s for s in request.query.get("symbols", "").split(",") if s]
            return (f"yahoo:spark:{symbols[0] if symbols else ''}",
                    lambda nulls: self.yahoo_spark(symbols, nulls, request.query))
        if path.startswith("/yahoo/v8/finance/chart/"):
            symbol = unquote(path.rsplit("/", 1)[1])
            return f"yahoo:{symbol}", lambda nulls: self.yahoo_chart(symbol, nulls,
                                                                     request.query)
        if path == "/eastmoney/api/qt/ulist.np/get":
            return "eastmoney", lambda nulls: self.eastmoney_ulist(request.query, nulls)
        if path == "/coingecko/api/v3/simple/price":
            return "coingecko:price", lambda nulls: self.coingecko_price(nulls, request.query)
        if path == "/coingecko/api/v3/global":
            return "coingecko:global", self.coingecko_global
        if path == "/stablecoins/stablecoins":
            return "defillama:stablecoins", self.llama_stablecoins
        if path == "/llama/protocols":
            return "defillama:protocols", self.llama_protocols
        if path == "/llama/overview/dexs":
            return "defillama:dexs", self.llama_dexes
        return "unknown", lambda nulls: {"error": "not found"}

    # --- payloads in the vendors' shapes

    def _yahoo_rule(self, request: FakeRequest) -> Reply | None:
        if request.path.endswith("/v7/finance/spark"):
            symbols = [s for s in request.query.get("symbols", "").split(",") if s]
            if len(symbols) > SPARK_MAX_SYMBOLS:
                return Reply(status=400, body=json.dumps(SPARK_TOO_MANY).encode())
            if not any(self._serves(s, request.query.get("range", "")) for s in symbols):
                return Reply(status=404, body=json.dumps(SPARK_NOT_FOUND).encode())
            return None
        if request.path.startswith("/yahoo/v8/finance/chart/"):
            symbol = unquote(request.path.rsplit("/", 1)[1])
            allowed = SHORT_RANGES.get(symbol)
            if allowed is not None and request.query.get("range") not in allowed:
                return Reply(status=404, body=json.dumps(NOT_FOUND).encode())
        return None

    def _serves(self, symbol: str, range_: str) -> bool:
        """Whether a chart of ``symbol`` over ``range_`` has data (the spark's rule too)."""
        allowed = SHORT_RANGES.get(symbol)
        if allowed is not None and range_ not in allowed:
            return False
        return bool(self.series.get(symbol) or self.listings.series(symbol))

    def yahoo_spark(self, symbols: list[str], nulls: bool = False,
                    query: dict[str, str] | None = None) -> dict[str, Any]:
        """Each symbol the chart would serve, answered as its chart, in the spark's shape."""
        query = query or {}
        result = []
        for symbol in dict.fromkeys(symbols):
            gap = self.spark_gaps.get(symbol)
            if not self._serves(symbol, query.get("range", "")) or gap == "omit":
                continue
            response = self.yahoo_chart(symbol, nulls or gap == "nulls", query)["chart"]["result"]
            for item in response:  # the spark gives closes only (the recorded answer)
                item["indicators"] = {"quote": [{"close": item["indicators"]["quote"][0]["close"]}]}
            result.append({"symbol": symbol, "response": response})
        return {"spark": {"result": result, "error": None}}

    def hourly(self, symbol: str) -> list[tuple[datetime, float]]:
        """The coin's hourly closes over the five days to ``now`` (the last one is live)."""
        base = _CRYPTO[symbol]
        last_hour = self.now.replace(minute=0, second=0, microsecond=0)
        hours = [last_hour - timedelta(hours=h) for h in range(5 * 24 - 1, -1, -1)]
        return [(at, round(base * (1 + 0.0004 * k), 2)) for k, at in enumerate(hours)]

    def yahoo_chart(self, symbol: str, nulls: bool = False,
                    query: dict[str, str] | None = None) -> dict[str, Any]:
        query = query or {}
        series = self.series.get(symbol) or self.listings.series(symbol)
        if not series:
            return NOT_FOUND
        zone = ZONES.get(symbol) or self.listings.zone(symbol) or ZoneInfo("UTC")
        if symbol in _CRYPTO and query.get("interval") == "1h" and not self.coins_daily_only:
            return self._hourly_chart(symbol, nulls)
        opening = self._hours(symbol, zone)[0]
        bars = self._in_range(series, query.get("range", ""))
        stamps = [int(datetime.combine(day, opening, zone).timestamp()) for day, _ in bars]
        closes = [None if nulls else close for _, close in bars]
        as_of = (min(self.now - timedelta(minutes=1),
                     datetime.combine(bars[-1][0], self._closing(zone, bars[-1][0], symbol),
                                      zone))
                 if bars else self.now)
        meta = {"currency": "USD", "symbol": symbol, "exchangeTimezoneName": zone.key,
                "instrumentType": "INDEX", "gmtoffset": 0, "timezone": "UTC",
                "regularMarketTime": int(as_of.timestamp()),
                "regularMarketPrice": bars[-1][1] if bars else None,
                "chartPreviousClose": 1.0, "dataGranularity": "1d",
                "range": query.get("range", "1mo"),
                "currentTradingPeriod": {"regular": self._regular_period(zone, symbol)},
                **self.listings.meta(symbol)}
        return {"chart": {"result": [{"meta": meta, "timestamp": stamps, "indicators": {
            "quote": [{"close": closes, "open": closes, "volume": [0] * len(bars)}],
            "adjclose": [{"adjclose": closes}]}}], "error": None}}

    def _in_range(self, series: list[tuple[date, float | None]], range_: str
                  ) -> list[tuple[date, float | None]]:
        """The bars a range covers: the last one or five (``1d``, ``5d``), or those of the
        month or year to ``now``; everything for a range the fake does not know."""
        if range_ in RANGE_BARS:
            return series[-RANGE_BARS[range_]:]
        if range_ in RANGE_DAYS:
            start = self.now.date() - timedelta(days=RANGE_DAYS[range_])
            return [bar for bar in series if bar[0] > start]
        return series

    def _hours(self, symbol: str, zone: ZoneInfo) -> tuple[time, time]:
        if symbol in _CRYPTO or symbol in ALL_DAY:
            return WHOLE_DAY
        return REGULAR_HOURS.get(zone, WHOLE_DAY)

    def _closing(self, zone: ZoneInfo, day: date, symbol: str = "") -> time:
        return self.early_closes.get((zone.key, day), self._hours(symbol, zone)[1])

    def _regular_period(self, zone: ZoneInfo, symbol: str = "") -> dict[str, Any]:
        opening = self._hours(symbol, zone)[0]
        day = self.now.astimezone(zone).date()
        return {"timezone": zone.key, "gmtoffset": 0,
                "start": int(datetime.combine(day, opening, zone).timestamp()),
                "end": int(datetime.combine(day, self._closing(zone, day, symbol),
                                            zone).timestamp())}

    def _hourly_chart(self, symbol: str, nulls: bool) -> dict[str, Any]:
        bars = self.hourly(symbol)
        closes = [None if nulls else close for _, close in bars]
        as_of = self.now - timedelta(minutes=1)
        meta = {"currency": "USD", "symbol": symbol, "exchangeTimezoneName": "UTC",
                "instrumentType": "CRYPTOCURRENCY", "gmtoffset": 0, "timezone": "UTC",
                "regularMarketTime": int(as_of.timestamp()),
                "regularMarketPrice": None if nulls else bars[-1][1],
                "dataGranularity": "1h", "range": "5d",
                "currentTradingPeriod": {"regular": self._regular_period(ZoneInfo("UTC"))}}
        return {"chart": {"result": [{"meta": meta,
                                      "timestamp": [int(at.timestamp()) for at, _ in bars],
                                      "indicators": {"quote": [{"close": closes}]}}],
                          "error": None}}

    def eastmoney_ulist(self, query: dict[str, str], nulls: bool = False) -> dict[str, Any]:
        rows = []
        for secid in query.get("secids", "").split(","):
            listed = self.listings.row(secid, self.now) if secid not in self.cn_rows else None
            if secid in self.cn_rows or listed is not None:
                row = {"f1": 2, **(self.cn_rows[secid] if listed is None else listed)}
                if nulls:
                    row = {k: ("-" if k not in ("f1", "f12", "f13", "f14") else v)
                           for k, v in row.items()}
                rows.append(row)
        return {"rc": 0, "rt": 11, "svr": 1, "lt": 1, "full": 1, "dlmkts": "",
                "data": {"total": len(rows), "diff": rows}}

    def coingecko_price(self, nulls: bool = False,
                        query: dict[str, str] | None = None) -> dict[str, Any]:
        ids = [i for i in (query or {}).get("ids", "").split(",") if i]
        coins = self.coins if not ids else {
            **self.listings.prices([i for i in ids if i not in self.coins], self.now),
            **{i: row for i, row in self.coins.items() if i in ids}}
        if nulls:
            return {coin: {k: None for k in row} for coin, row in coins.items()}
        return coins

    def coingecko_global(self, nulls: bool = False) -> dict[str, Any]:
        data = dict(self.global_market)
        if nulls:
            data = {**data, "total_market_cap": {"usd": None}, "total_volume": {"usd": None},
                    "market_cap_change_percentage_24h_usd": None}
        return {"data": data}

    def llama_stablecoins(self, nulls: bool = False) -> dict[str, Any]:
        assets = self.stablecoins
        if nulls:
            assets = [{**a, "circulating": {"peggedUSD": None}, "circulatingPrevDay": None}
                      for a in assets]
        return {"peggedAssets": assets, "chains": []}

    def llama_protocols(self, nulls: bool = False) -> list[dict[str, Any]]:
        if nulls:
            return [{**p, "tvl": None, "change_1d": None} for p in self.protocols]
        return self.protocols

    def llama_dexes(self, nulls: bool = False) -> dict[str, Any]:
        rows = self.dexes
        if nulls:
            rows = [{**r, "total24h": None, "change_1d": None} for r in rows]
        return {"total24h": sum(r["total24h"] or 0 for r in self.dexes), "total48hto24h": None,
                "change_1d": None, "protocols": rows, "allChains": ["Solana"]}


def _pegged(pid: str, name: str, symbol: str, now: float, day_ago: float) -> dict[str, Any]:
    return {"id": pid, "name": name, "symbol": symbol, "gecko_id": name.lower(),
            "pegType": "peggedUSD", "priceSource": "defillama", "pegMechanism": "fiat-backed",
            "circulating": {"peggedUSD": now}, "circulatingPrevDay": {"peggedUSD": day_ago},
            "circulatingPrevWeek": {"peggedUSD": day_ago}, "circulatingPrevMonth":
            {"peggedUSD": day_ago}, "chains": ["Ethereum", "Tron"], "price": 1.0}


def fault_reply(mode: str, payload: Any) -> Reply:
    body = json.dumps(payload, ensure_ascii=False).encode()
    if mode == "timeout":
        return Reply(body=body, delay_s=30.0)
    if mode in ("500", "404", "503"):
        return Reply(status=int(mode), body=b'{"error":"upstream"}')
    if mode in ("429", "429-long"):
        return Reply(status=429, body=b'{"status":{"error_code":429}}',
                     headers={"Retry-After": "120" if mode == "429-long" else "0"})
    if mode == "html":
        return Reply(body=b"<!DOCTYPE html><html><body>Access denied</body></html>",
                     content_type="text/html")
    if mode == "truncated":
        return Reply(body=body[: max(1, len(body) // 2)])
    raise ValueError(f"unknown fault mode {mode!r}")


def endpoints(url: str) -> dict[str, str]:
    """The settings that point every upstream at the fake at ``url``."""
    return {"yahoo_base_url": f"{url}/yahoo", "eastmoney_base_url": f"{url}/eastmoney",
            "eastmoney_history_url": f"{url}/eastmoneyhis",
            "coingecko_base_url": f"{url}/coingecko/api/v3", "defillama_base_url": f"{url}/llama",
            "defillama_stablecoins_url": f"{url}/stablecoins"}


def world_at(now: datetime, calendars: Calendars) -> World:
    """A world whose bars end on each market's latest completed session at ``now`` (weekdays
    where the calendar does not reach)."""
    days: dict[str, tuple[date, ...]] = {}
    for market in ("US", "HK", "CN"):
        view = calendars.at(market, now)
        latest = view.latest_completed() if view is not None else None
        found: list[date] = []
        day: date | None = latest
        while day is not None and len(found) < 4:
            found.insert(0, day)
            day = view.previous_session(day) if view is not None else None
        if len(found) < 4:
            found = []
            day = now.date() - timedelta(days=1)
            while len(found) < 4:
                if day.weekday() < 5:
                    found.insert(0, day)
                day -= timedelta(days=1)
        days[market] = tuple(found)
    return dated(now, us=days["US"], hk=days["HK"], cn=days["CN"])
