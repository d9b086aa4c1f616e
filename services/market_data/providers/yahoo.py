"""Yahoo Finance v8 chart: daily closes of indices, ETFs and coins (keyless, one symbol a request).

The change of a session is computed from the last two non-null daily closes and their dates,
never from ``meta.chartPreviousClose`` (that is the close before the requested range).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any, Protocol
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.errors import UpstreamFormatError, UpstreamImplausible
from services.market_data.providers.base import (
    ACCEPT_JSON,
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

# Our quote id → Yahoo symbol.
SYMBOLS: dict[str, str] = {
    "SPX": "^GSPC", "IXIC": "^IXIC", "DJI": "^DJI",
    "XLK": "XLK", "XLF": "XLF", "XLE": "XLE", "XLV": "XLV", "XLU": "XLU", "XLP": "XLP",
    "XLY": "XLY", "XLI": "XLI", "XLB": "XLB", "XLRE": "XLRE", "XLC": "XLC",
    "HSI": "^HSI", "HSCEI": "^HSCE", "HSTECH": "HSTECH.HK",
    "SSE": "000001.SS", "SZSE": "399001.SZ", "CHINEXT": "399006.SZ",
    "BTC": "BTC-USD", "ETH": "ETH-USD",
}


class SessionCalendar(Protocol):
    """What ``last_close`` needs of a trading calendar; ``None`` means "not known"."""

    def is_session(self, day: date) -> bool | None: ...

    def previous_session(self, day: date) -> date | None: ...

    def latest_completed(self) -> date | None: ...


@dataclass(frozen=True)
class Bar:
    session: date  # the bar's date in the exchange's time zone
    close: float
    at: datetime


@dataclass(frozen=True)
class ChartSeries:
    symbol: str
    bars: tuple[Bar, ...]  # one per date, oldest first, non-null closes only
    as_of: datetime | None  # the time of the last regular-market price


@dataclass(frozen=True)
class DailyClose:
    close: float
    change_pct: float | None
    session: date
    previous_session: date | None
    as_of: datetime | None


def chart_request(base_url: str, symbol: str) -> Request:
    return Request(
        source=FEED,
        url=f"{base_url.rstrip('/')}/v8/finance/chart/{quote(symbol, safe='')}",
        params={"range": "1mo", "interval": "1d", "includePrePost": "false"},
        headers=ACCEPT_JSON,
    )


def parse_chart(payload: Any, *, now: datetime) -> ChartSeries:
    """The daily bars of one chart response. Raises ``UpstreamFormatError`` on a wrong shape and
    ``UpstreamImplausible`` on a timestamp in the future."""
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
    symbol = str(meta.get("symbol") or "?")
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
    by_date: dict[date, Bar] = {}
    for stamp, raw_close in zip(stamps, closes, strict=True):
        at = unix_time(stamp)
        close = number(raw_close)
        if at is None or close is None or close <= 0:
            continue
        check_not_future(at, now, FEED, "daily bar")
        by_date[at.astimezone(zone).date()] = Bar(at.astimezone(zone).date(), close, at)
    bars = tuple(by_date[day] for day in sorted(by_date))
    return ChartSeries(symbol=symbol, bars=bars, as_of=as_of)


def last_close(series: ChartSeries, *, max_move_pct: float,
               calendar: SessionCalendar | None = None) -> Parsed[DailyClose]:
    """The last completed daily close and its change over the previous close.

    With a calendar, bars dated on a non-session day (a holiday bar) or on a session not yet
    completed are dropped, and a change that spans a missing session is rejected.
    """
    bars = [bar for bar in series.bars if _usable(bar.session, calendar)]
    if not bars:
        raise UpstreamFormatError(FEED, "no completed daily close in the answer")
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
                   previous_session=previous.session if previous else None, as_of=series.as_of),
        tuple(rejected),
    )


def _usable(day: date, calendar: SessionCalendar | None) -> bool:
    if calendar is None:
        return True
    if calendar.is_session(day) is False:
        return False
    latest = calendar.latest_completed()
    return latest is None or day <= latest


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
