"""Yahoo Finance v8 chart (one symbol a request) and v7 spark (several symbols a request, each
answered in the chart's shape): daily closes of indices, ETFs and the macro layer, hourly prices
of coins (keyless).

A build asks the spark for every Yahoo symbol it reads, in a few batches (``batches``), with a
year of daily bars (``BUILD_RANGE``), so that the year of closes costs no extra round trip; a
symbol the spark answer lacks or garbles is asked for on its own, as a chart.

The change of a session is computed from the last two non-null daily closes and their dates,
never from ``meta.chartPreviousClose`` (that is the close before the requested range). A bar of
the session still trading (``regularMarketTime`` inside ``currentTradingPeriod.regular``) is
live, not a close. A coin's change is a true rolling 24 hours, from hourly bars; from daily bars
(which start at 00:00 UTC) it is the change since 00:00 UTC, and says so.
"""

from __future__ import annotations

import itertools
import math
import operator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any, NamedTuple, Protocol
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.errors import UpstreamFormatError, UpstreamImplausible
from services.market_data.providers.base import (
    FUTURE_TOLERANCE,
    Parsed,
    Rejection,
    Request,
    change_pct,
    check_not_future,
    mapping,
    number,
    sequence,
    unix_time,
)

SOURCE = "yahoo"
FEED = "yahoo chart"
SPARK_FEED = "yahoo spark"

# Chart ranges. Yahoo has served the Hong Kong indices (HSTECH.HK especially) only with short
# ranges, so they ask for five days (and bring no year of closes); in a build everything else
# asks for a year (``BUILD_RANGE``), elsewhere (watchlists) for ``DEFAULT_RANGE``.
DEFAULT_RANGE = "1mo"
BUILD_RANGE = "1y"
RANGES: dict[str, str] = {"HSI": "5d", "HSCEI": "5d", "HSTECH": "5d"}
# Coins: hourly bars over five days, for a true 24-hour change.
COIN_RANGE, COIN_INTERVAL = "5d", "1h"
WINDOW_24H = "24h"
WINDOW_SINCE_MIDNIGHT = "since 00:00 UTC"
# An hourly bar this close to "24 hours before the last price" stands for it.
HOURLY_SLACK = timedelta(minutes=90)

# Our quote id → Yahoo symbol.
SYMBOLS: dict[str, str] = {
    "SPX": "^GSPC", "IXIC": "^IXIC", "DJI": "^DJI",
    "XLK": "XLK", "XLF": "XLF", "XLE": "XLE", "XLV": "XLV", "XLU": "XLU", "XLP": "XLP",
    "XLY": "XLY", "XLI": "XLI", "XLB": "XLB", "XLRE": "XLRE", "XLC": "XLC",
    "HSI": "^HSI", "HSCEI": "^HSCE", "HSTECH": "HSTECH.HK",
    "SSE": "000001.SS", "SZSE": "399001.SZ", "CHINEXT": "399006.SZ",
    "BTC": "BTC-USD", "ETH": "ETH-USD",
    "DXY": "DX-Y.NYB", "TNX": "^TNX", "GOLD_FUT": "GC=F", "WTI_FUT": "CL=F", "VIX": "^VIX",
    "USDCNH": "CNH=X",
}


class SessionCalendar(Protocol):
    """What ``last_close`` needs of a trading calendar; ``None`` means "not known"."""

    def is_session(self, day: date) -> bool | None: ...

    def previous_session(self, day: date) -> date | None: ...

    def latest_completed(self) -> date | None: ...


class Bar(NamedTuple):
    session: date  # the bar's date in the exchange's time zone
    close: float
    at: datetime


@dataclass(frozen=True)
class ChartSeries:
    symbol: str
    bars: tuple[Bar, ...]  # one per date, oldest first, non-null closes only
    as_of: datetime | None  # the time of the last regular-market price
    live: date | None = None  # the session still trading when the answer was made, if any
    today: date | None = None  # the day of ``now`` in the exchange's time zone


class Point(NamedTuple):
    at: datetime
    close: float


@dataclass(frozen=True)
class RollingChange:
    """A coin's last price and its change over ``window`` (``WINDOW_24H`` or
    ``WINDOW_SINCE_MIDNIGHT``)."""

    price: float
    change_pct: float | None
    window: str
    as_of: datetime


@dataclass(frozen=True)
class DailyClose:
    close: float
    change_pct: float | None
    session: date
    previous_session: date | None
    as_of: datetime | None
    previous_close: float | None = None  # the close of ``previous_session``

    @property
    def change_bp(self) -> float | None:
        """The move of a rate quoted in percent (a yield), in basis points: (close − previous
        close) × 100; None when the change is not computed."""
        if self.change_pct is None or self.previous_close is None:
            return None
        return (self.close - self.previous_close) * 100.0


def range_for(quote_id: str, default: str = DEFAULT_RANGE) -> str:
    """The chart range to ask for ``quote_id`` (``default`` unless Yahoo serves it only with a
    short range)."""
    return RANGES.get(quote_id, default)


def build_range(quote_id: str) -> str:
    """The range a build asks for ``quote_id``: a year of daily bars where Yahoo serves one."""
    return range_for(quote_id, BUILD_RANGE)


def chart_request(base_url: str, symbol: str, range_: str = DEFAULT_RANGE,
                  interval: str = "1d") -> Request:
    return Request(
        source=FEED, upstream=SOURCE,
        url=f"{base_url.rstrip('/')}/v8/finance/chart/{quote(symbol, safe='')}",
        params={"range": range_, "interval": interval, "includePrePost": "false"},
    )


# Spark answers several symbols in one request, each in the chart's own shape. Yahoo has taken
# up to 20 symbols a request; a build asks for fewer per request (``SPARK_BATCH``) so that its
# batches run in parallel within the per-host limit, each with a smaller answer.
SPARK_MAX_SYMBOLS = 20
SPARK_BATCH = 10


def batches(quote_ids: tuple[str, ...], size: int = SPARK_BATCH
            ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``quote_ids`` as spark batches of at most ``size``: one range per batch (the build's
    range of each id), in the order given."""
    if not 0 < size <= SPARK_MAX_SYMBOLS:
        raise ValueError(f"a spark batch holds 1 to {SPARK_MAX_SYMBOLS} symbols")
    by_range: dict[str, list[str]] = {}
    for quote_id in quote_ids:
        by_range.setdefault(build_range(quote_id), []).append(quote_id)
    return tuple((range_, tuple(ids[i:i + size]))
                 for range_, ids in by_range.items() for i in range(0, len(ids), size))


def spark_request(base_url: str, symbols: tuple[str, ...], range_: str = DEFAULT_RANGE,
                  interval: str = "1d") -> Request:
    """One request for several symbols (``/v7/finance/spark``): each answers as a chart."""
    if not 0 < len(symbols) <= SPARK_MAX_SYMBOLS:
        raise ValueError(f"a spark request takes 1 to {SPARK_MAX_SYMBOLS} symbols")
    return Request(
        source=SPARK_FEED, upstream=SOURCE, url=f"{base_url.rstrip('/')}/v7/finance/spark",
        params={"symbols": ",".join(symbols), "range": range_, "interval": interval,
                "includePrePost": "false"},
    )


def split_spark(payload: Any) -> dict[str, Any]:
    """A spark answer as one chart-shaped payload per symbol (``parse_chart`` and
    ``rolling_change`` read each); a symbol the answer lacks, or answers with an error, is
    absent. Raises ``UpstreamFormatError`` when the answer as a whole is not a spark answer."""
    spark = mapping(mapping(payload, SPARK_FEED, "$").get("spark"), SPARK_FEED, "spark")
    error = spark.get("error")
    if error:
        detail = error.get("description") or error.get("code") if isinstance(error, dict) else error
        raise UpstreamFormatError(SPARK_FEED, f"error answer: {str(detail)[:120]}")
    charts: dict[str, Any] = {}
    for i, item in enumerate(sequence(spark.get("result") or [], SPARK_FEED, "spark.result")):
        entry = mapping(item, SPARK_FEED, f"spark.result[{i}]")
        symbol, responses = entry.get("symbol"), entry.get("response")
        if not isinstance(symbol, str) or not isinstance(responses, list) or not responses:
            continue
        charts[symbol] = {"chart": {"result": [responses[0]], "error": None}}
    return charts


def parse_chart(payload: Any, *, now: datetime, last: int | None = None) -> ChartSeries:
    """The daily bars of one chart response. Raises ``UpstreamFormatError`` on a wrong shape and
    ``UpstreamImplausible`` on a timestamp in the future.

    With ``last``, only the last ``last`` bars of an answer whose timestamps are in order are
    read (a quote needs a few; its year of closes can be read later, in full): a bar earlier in
    such an answer can be neither later nor in the future."""
    meta, zone, as_of, points = _points(payload, now, last)
    by_date: dict[date, Bar] = {}
    for at, close in points:  # in time order, so the dates come in order too
        day = at.astimezone(zone).date()
        by_date[day] = Bar(day, close, at)
    bars = tuple(by_date.values())
    return ChartSeries(symbol=str(meta.get("symbol") or "?"), bars=bars, as_of=as_of,
                       live=_live_session(meta, as_of, zone), today=now.astimezone(zone).date())


def rolling_change(payload: Any, *, now: datetime, max_move_pct: float
                   ) -> Parsed[RollingChange]:
    """A coin's last price and its change over the last 24 hours, from hourly bars; from daily
    bars, its change since 00:00 UTC (today's bar against yesterday's close)."""
    meta, _, as_of, points = _points(payload, now)
    if not points:
        raise UpstreamFormatError(FEED, "no price in the answer")
    last = points[-1]
    price, at = last.close, last.at
    market_price = number(meta.get("regularMarketPrice"))
    if as_of is not None and as_of >= last.at and market_price is not None and market_price > 0:
        price, at = market_price, as_of
    symbol = str(meta.get("symbol") or "?")
    hourly = len(points) > 1 and points[-1].at - points[-2].at < timedelta(hours=12)
    rejected: list[Rejection] = []
    change: float | None
    if hourly:
        window = WINDOW_24H
        target = at - timedelta(hours=24)
        before = [p for p in points if p.at <= target]
        if before and target - before[-1].at <= HOURLY_SLACK:
            change = change_pct(price, before[-1].close)
        else:
            change = None
            rejected.append(Rejection(symbol, "24h change not computed: the hourly bars do "
                                              "not reach back 24 hours"))
    else:
        window = WINDOW_SINCE_MIDNIGHT
        today = at.astimezone(UTC).date()
        days = {p.at.astimezone(UTC).date(): p for p in points}
        yesterday = days.get(today - timedelta(days=1))
        change = change_pct(price, yesterday.close) if today in days and yesterday else None
        if change is None:
            rejected.append(Rejection(symbol, "change not computed: no daily bars for today "
                                              "and yesterday (UTC)"))
    if change is not None and abs(change) > max_move_pct:
        raise UpstreamImplausible(FEED, f"a {change:+.1f}% move {window} is outside the sane "
                                        f"bound of ±{max_move_pct:g}%")
    return Parsed(RollingChange(price, change, window, at), tuple(rejected))


def _points(payload: Any, now: datetime, last: int | None = None
            ) -> tuple[dict[str, Any], tzinfo, datetime | None, list[Point]]:
    """The meta, exchange zone, last regular-market time and non-null closes of one chart
    response (of its last ``last`` stamps when they are in order), oldest first."""
    chart = mapping(mapping(payload, FEED, "$").get("chart"), FEED, "chart")
    error = chart.get("error")
    if error:
        detail = error.get("description") or error.get("code") if isinstance(error, dict) else error
        raise UpstreamFormatError(FEED, f"error answer: {str(detail)[:120]}")
    results = sequence(chart.get("result"), FEED, "chart.result")
    if not results:
        raise UpstreamFormatError(FEED, "unexpected shape: chart.result is empty")
    result = mapping(results[0], FEED, "chart.result[0]")
    meta = mapping(result.get("meta", {}), FEED, "meta")
    zone = _zone(meta)
    as_of = unix_time(meta.get("regularMarketTime"))
    check_not_future(as_of, now, FEED, "regular market")

    stamps = result.get("timestamp") or []
    quotes = mapping(result.get("indicators", {}), FEED, "indicators").get("quote") or [{}]
    closes = mapping(sequence(quotes, FEED, "indicators.quote")[0], FEED,
                     "indicators.quote[0]").get("close") or []
    stamps = sequence(stamps, FEED, "timestamp")
    closes = sequence(closes, FEED, "indicators.quote[0].close")
    if len(stamps) != len(closes):
        raise UpstreamFormatError(FEED, f"unexpected shape: {len(stamps)} timestamps "
                                        f"for {len(closes)} closes")
    if last is not None and len(stamps) > last and _in_order(stamps):
        stamps, closes = stamps[-last:], closes[-last:]
    points: list[Point] = []
    latest = now + FUTURE_TOLERANCE
    for stamp, raw_close in zip(stamps, closes, strict=True):
        close = _price(raw_close)
        at = _stamp(stamp) if close is not None else None
        if at is None or close is None:
            continue
        if at > latest:
            check_not_future(at, now, FEED, "bar")
        points.append(Point(at, close))
    points.sort(key=lambda point: point.at)
    return meta, zone, as_of, points


def _in_order(stamps: list[Any]) -> bool:
    """Whether the timestamps are numbers, each later than the one before."""
    if not all(type(stamp) is int for stamp in stamps):
        return False
    return all(map(operator.lt, stamps, itertools.islice(stamps, 1, None)))


def _stamp(value: object) -> datetime | None:
    """``unix_time``, with a fast path for the whole seconds a bar's timestamp is."""
    if type(value) is int and 0 < value < 100_000_000_000:
        return datetime.fromtimestamp(value, UTC)
    return unix_time(value)


def _price(value: object) -> float | None:
    """A positive finite close, or None (``number``, with a fast path for the plain floats a
    year of bars is made of)."""
    if type(value) is float:
        return value if 0.0 < value < math.inf else None  # NaN fails both comparisons
    close = number(value)
    return close if close is not None and close > 0 else None


def _live_session(meta: dict[str, Any], as_of: datetime | None, zone: tzinfo) -> date | None:
    """The session whose bar is still live: the last price fell inside the regular trading
    period of the day the answer was made."""
    period = meta.get("currentTradingPeriod")
    regular = period.get("regular") if isinstance(period, dict) else None
    if as_of is None or not isinstance(regular, dict):
        return None
    start, end = unix_time(regular.get("start")), unix_time(regular.get("end"))
    if start is None or end is None or not start <= as_of < end:
        return None
    return as_of.astimezone(zone).date()


def closed_bars(series: ChartSeries, calendar: SessionCalendar | None = None
                ) -> tuple[Bar, ...]:
    """The bars of completed sessions, oldest first: the live bar of a session still trading
    is dropped, and with a calendar, so are bars dated on a non-session day (a holiday bar) or
    on a session not yet completed. A calendar that cannot say which session completed last
    (round-the-clock markets) leaves the bar of today, in the exchange's time zone, out too:
    it is still moving, whatever the answer says. These are the closes a history may keep; the
    last of them is the quote's close (``last_close``)."""
    if calendar is None:
        return tuple(bar for bar in series.bars if bar.session != series.live)
    latest = calendar.latest_completed()
    if latest is None and series.today is not None:
        latest = series.today - timedelta(days=1)
    return tuple(bar for bar in series.bars
                 if bar.session != series.live and (latest is None or bar.session <= latest)
                 and calendar.is_session(bar.session) is not False)


def last_close(series: ChartSeries, *, max_move_pct: float,
               calendar: SessionCalendar | None = None,
               closed: tuple[Bar, ...] | None = None) -> Parsed[DailyClose]:
    """The last completed daily close and its change over the previous close.

    The bars are ``closed_bars`` (``closed``, when the caller has them already): the live bar
    of a session still trading is dropped, and with a calendar, bars dated on a non-session day
    or on a session not yet completed are dropped too, and a change that spans a missing session
    is rejected.
    """
    bars = closed if closed is not None else closed_bars(series, calendar)
    if not bars:
        live = (f" (the bar of {series.live.isoformat()} is still trading)"
                if series.live is not None and any(b.session == series.live
                                                   for b in series.bars) else "")
        raise UpstreamFormatError(FEED, f"no completed daily close in the answer{live}")
    last = bars[-1]
    previous = bars[-2] if len(bars) > 1 else None
    rejected: list[Rejection] = []
    change = change_pct(last.close, previous.close if previous else None)
    if previous is not None and calendar is not None:
        expected = calendar.previous_session(last.session)
        if expected is not None and previous.session < expected:
            rejected.append(Rejection(series.symbol, (
                f"change not computed: the close of {expected.isoformat()} is missing "
                f"(the previous close in the answer is of {previous.session.isoformat()})")))
            change = None
    if change is not None and abs(change) > max_move_pct:
        raise UpstreamImplausible(FEED, (
            f"a {change:+.1f}% move from {previous.session if previous else '?'} "
            f"to {last.session} is outside the sane bound of ±{max_move_pct:g}%"))
    return Parsed(
        DailyClose(close=last.close, change_pct=change, session=last.session,
                   previous_session=previous.session if previous else None, as_of=series.as_of,
                   previous_close=previous.close if previous else None),
        tuple(rejected),
    )


def _zone(meta: dict[str, Any]) -> tzinfo:
    name = meta.get("exchangeTimezoneName")
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    offset = number(meta.get("gmtoffset"))
    if offset is not None and abs(offset) < 86400:
        return timezone(timedelta(seconds=int(offset)))
    return UTC


# --- naming a symbol (watchlists): the chart's own meta, and Yahoo's search

SEARCH_FEED = "yahoo search"


@dataclass(frozen=True)
class ChartIdentity:
    """What a chart answer says of its symbol: its name, currency, exchange and zone."""

    symbol: str
    name: str | None
    currency: str | None
    exchange: str | None
    zone: str | None
    instrument_type: str | None


@dataclass(frozen=True)
class SearchHit:
    symbol: str
    name: str | None
    exchange: str | None
    kind: str | None  # Yahoo's quoteType: EQUITY, ETF, INDEX, CRYPTOCURRENCY …


def chart_identity(payload: Any) -> ChartIdentity:
    """The meta of one chart response; ``UpstreamFormatError`` on an error answer."""
    chart = mapping(mapping(payload, FEED, "$").get("chart"), FEED, "chart")
    if chart.get("error"):
        error = chart["error"]
        detail = error.get("description") or error.get("code") if isinstance(error, dict) else error
        raise UpstreamFormatError(FEED, f"error answer: {str(detail)[:120]}")
    results = sequence(chart.get("result"), FEED, "chart.result")
    if not results:
        raise UpstreamFormatError(FEED, "unexpected shape: chart.result is empty")
    meta = mapping(mapping(results[0], FEED, "chart.result[0]").get("meta", {}), FEED, "meta")

    def text(key: str) -> str | None:
        value = meta.get(key)
        return value.strip() if isinstance(value, str) and value.strip() else None

    return ChartIdentity(symbol=text("symbol") or "?",
                         name=text("longName") or text("shortName"),
                         currency=text("currency"),
                         exchange=text("fullExchangeName") or text("exchangeName"),
                         zone=text("exchangeTimezoneName"),
                         instrument_type=text("instrumentType"))


def not_found(payload: Any) -> bool:
    """Whether a chart answer is Yahoo's "No data found" (a symbol it does not know; served
    with HTTP 404, or as this body)."""
    chart = payload.get("chart") if isinstance(payload, dict) else None
    error = chart.get("error") if isinstance(chart, dict) else None
    return isinstance(error, dict) and str(error.get("code", "")).lower() == "not found"


def search_request(base_url: str, query: str, count: int = 6) -> Request:
    return Request(source=SEARCH_FEED, upstream=SOURCE,
                   url=f"{base_url.rstrip('/')}/v1/finance/search",
                   params={"q": query, "quotesCount": str(count), "newsCount": "0",
                           "listsCount": "0", "enableFuzzyQuery": "true"})


def parse_search(payload: Any) -> tuple[SearchHit, ...]:
    """The quotes of a search answer, in Yahoo's order (best match first)."""
    quotes = mapping(payload, SEARCH_FEED, "$").get("quotes") or []
    hits = []
    for position, row in enumerate(sequence(quotes, SEARCH_FEED, "quotes")):
        row = mapping(row, SEARCH_FEED, f"quotes[{position}]")
        symbol = row.get("symbol")
        if not isinstance(symbol, str) or not symbol:
            continue
        name = row.get("longname") or row.get("shortname")
        hits.append(SearchHit(symbol=symbol, name=str(name) if name else None,
                              exchange=str(row.get("exchDisp") or row.get("exchange") or "")
                              or None, kind=str(row.get("quoteType") or "") or None))
    return tuple(hits)
