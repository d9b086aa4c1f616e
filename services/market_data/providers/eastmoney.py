"""Eastmoney ``ulist.np/get``: the three A-share indices, market breadth and turnover (keyless).

With ``fltt=2`` prices come as decimals; without it they are integers scaled by ``10**f1`` and
percentages by 100. Missing values are written ``"-"``. Breadth (advancers f104, decliners f105,
flat f106) and turnover (f6) of the SSE Composite and SZSE Component rows cover the Shanghai and
Shenzhen markets: their sum is SSE + SZSE, not the Beijing exchange (BSE). Rows are told apart
by code and market (f12, f13): ``000001`` is both the SSE Composite (f13 1) and Ping An Bank
(f13 0). ``f124`` is the time of the row's last update: a value read before the 15:00 close in
Shanghai is intraday, never a close.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from services.errors import UpstreamFormatError
from services.market_data.providers.base import (
    FUTURE_TOLERANCE,
    Parsed,
    Rejection,
    Request,
    change_pct,
    count,
    mapping,
    number,
    unix_time,
)
from services.models.snapshot import Breadth

SOURCE = "eastmoney"
FEED = "eastmoney ulist"
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Our quote id → Eastmoney secid (market.code): 1 = Shanghai, 0 = Shenzhen.
SECIDS: dict[str, str] = {"SSE": "1.000001", "SZSE": "0.399001", "CHINEXT": "0.399006"}
BREADTH_IDS = ("SSE", "SZSE")  # the two whole-market rows
FIELDS = "f1,f2,f3,f4,f6,f12,f13,f14,f18,f104,f105,f106,f124"
CLOSE = time(15, 0)  # the A-share close, Shanghai time
# SSE + SZSE list about 5,200 stocks (2026); a total outside this range is not a whole market.
BREADTH_TOTAL_RANGE = (4_000, 7_000)

_JSONP = re.compile(rb"^\s*[\w$.]+\s*\((.*)\)\s*;?\s*$", re.DOTALL)


@dataclass(frozen=True)
class IndexQuote:
    close: float | None
    change_pct: float | None
    session: date | None
    as_of: datetime | None

    @property
    def intraday(self) -> bool:
        """Read before the 15:00 close of its day (Shanghai time): not a close."""
        return self.as_of is not None and self.as_of.astimezone(SHANGHAI).time() < CLOSE


@dataclass(frozen=True)
class Board:
    quotes: dict[str, IndexQuote]  # by our quote id
    breadth: Breadth | None


def ulist_request(base_url: str) -> Request:
    return Request(
        source=FEED, upstream=SOURCE,
        url=f"{base_url.rstrip('/')}/api/qt/ulist.np/get",
        params={"fltt": "2", "invt": "2", "secids": ",".join(SECIDS.values()), "fields": FIELDS},
    )


def strip_jsonp(body: bytes) -> bytes:
    """``cb({...});`` → ``{...}``; anything else is returned as is."""
    match = _JSONP.match(body)
    return match.group(1) if match else body


def parse_ulist(payload: Any, *, now: datetime, fltt: bool = True,
                max_move_pct: float = 25.0) -> Parsed[Board]:
    """The index rows and the summed breadth. Rows are matched by code and market (f12, f13);
    a response without f12 is matched in the order of the requested secids."""
    data = mapping(payload, FEED, "$")
    if data.get("rc") not in (0, None):
        raise UpstreamFormatError(FEED, f"error answer: rc={data.get('rc')}")
    body = data.get("data")
    if body is None:
        raise UpstreamFormatError(FEED, "no data in the answer (data is null)")
    diff = mapping(body, FEED, "data").get("diff")
    rows = list(diff.values()) if isinstance(diff, dict) else diff
    if not isinstance(rows, list) or not rows:
        raise UpstreamFormatError(FEED, "unexpected shape: data.diff is empty or not a list")

    rejected: list[Rejection] = []
    raw_rows: dict[str, dict[str, Any]] = {}
    for position, row in enumerate(rows):
        row = mapping(row, FEED, f"data.diff[{position}]")
        quote_id = _quote_id(row, position)
        if quote_id is not None:
            raw_rows[quote_id] = row

    quotes: dict[str, IndexQuote] = {}
    for quote_id, row in raw_rows.items():
        quote = _index_quote(row, fltt)
        problem = _implausible(quote, now, max_move_pct)
        if problem:
            rejected.append(Rejection(quote_id, f"{quote_id}: {problem}"))
            continue
        quotes[quote_id] = quote
    breadth = _breadth(raw_rows, quotes)
    if breadth is not None and (problem := _implausible_breadth(breadth)):
        rejected.append(Rejection("a_share_breadth", problem))
        breadth = None
    return Parsed(Board(quotes=quotes, breadth=breadth), tuple(rejected))


def _quote_id(row: dict[str, Any], position: int) -> str | None:
    code = row.get("f12")
    if code is None:
        ids = list(SECIDS)
        return ids[position] if position < len(ids) else None
    market = row.get("f13")
    for quote_id, secid in SECIDS.items():
        secid_market, secid_code = secid.split(".")
        if str(code) == secid_code and (market is None or str(market) == secid_market):
            return quote_id
    return None


def _index_quote(row: dict[str, Any], fltt: bool) -> IndexQuote:
    price = number(row.get("f2"))
    pct = number(row.get("f3"))
    previous = number(row.get("f18"))
    if not fltt:
        decimals = count(row.get("f1"))
        scale = 10 ** (decimals if decimals is not None else 2)
        price = price / scale if price is not None else None
        previous = previous / scale if previous is not None else None
        pct = pct / 100.0 if pct is not None else None
    if pct is None:  # no f3 in the answer: from the previous close (f18)
        pct = change_pct(price, previous)
    at = unix_time(row.get("f124"))
    return IndexQuote(
        close=price if price is not None and price > 0 else None,
        change_pct=pct,
        session=at.astimezone(SHANGHAI).date() if at else None,
        as_of=at,
    )


def _implausible(quote: IndexQuote, now: datetime, max_move_pct: float) -> str | None:
    if quote.as_of is not None and quote.as_of > now + FUTURE_TOLERANCE:
        return f"timestamp {quote.as_of.isoformat()} is in the future"
    if quote.change_pct is not None and abs(quote.change_pct) > max_move_pct:
        return (f"a {quote.change_pct:+.1f}% move in one session is outside the sane bound "
                f"of ±{max_move_pct:g}%")
    return None


def _implausible_breadth(breadth: Breadth) -> str | None:
    parts = (breadth.advancers, breadth.decliners, breadth.flat)
    if None in parts:
        return None
    total = sum(p for p in parts if p is not None)
    low, high = BREADTH_TOTAL_RANGE
    if low <= total <= high:
        return None
    return (f"breadth left out: {total:,} stocks counted, outside the plausible range of "
            f"{low:,} to {high:,} for SSE + SZSE")


def _breadth(rows: dict[str, dict[str, Any]], quotes: dict[str, IndexQuote]) -> Breadth | None:
    """Shanghai + Shenzhen; a figure is given only when both markets report it."""
    if not all(quote_id in rows and quote_id in quotes for quote_id in BREADTH_IDS):
        return None
    parts = [rows[quote_id] for quote_id in BREADTH_IDS]

    def total_count(key: str) -> int | None:
        values = [count(part.get(key)) for part in parts]
        return sum(v for v in values if v is not None) if None not in values else None

    turnovers = [number(part.get("f6")) for part in parts]
    turnover = (sum(t for t in turnovers if t is not None)
                if None not in turnovers and all(t is not None and t >= 0 for t in turnovers)
                else None)
    breadth = Breadth(advancers=total_count("f104"), decliners=total_count("f105"),
                      flat=total_count("f106"), turnover_cny=turnover,
                      session=quotes["SSE"].session, source=SOURCE)
    if (breadth.advancers is None and breadth.decliners is None and breadth.flat is None
            and breadth.turnover_cny is None):
        return None
    return breadth


# --- any listed code by secid (watchlists): name, price, change and time of each row

QUOTES_FEED = "eastmoney quotes"
QUOTE_FIELDS = "f2,f3,f12,f13,f14,f18,f124"
MAX_SECIDS = 100  # codes per ulist request (Eastmoney caps list pages at 100 rows)


@dataclass(frozen=True)
class NamedQuote:
    secid: str  # "0.000001"
    name: str | None
    quote: IndexQuote


def quotes_request(base_url: str, secids: list[str]) -> Request:
    return Request(
        source=QUOTES_FEED, upstream=SOURCE,
        url=f"{base_url.rstrip('/')}/api/qt/ulist.np/get",
        params={"fltt": "2", "invt": "2", "secids": ",".join(secids), "fields": QUOTE_FIELDS},
    )


def parse_quotes(payload: Any, *, now: datetime, fltt: bool = True,
                 max_move_pct: float = 30.0) -> Parsed[dict[str, NamedQuote]]:
    """Rows by secid (``f13.f12``: market and code, the only way to tell ``000001`` the
    Shenzhen stock from ``000001`` the Shanghai index). A row without both is left out; a
    code Eastmoney does not know is simply absent from the answer."""
    data = mapping(payload, QUOTES_FEED, "$")
    if data.get("rc") not in (0, None):
        raise UpstreamFormatError(QUOTES_FEED, f"error answer: rc={data.get('rc')}")
    body = data.get("data")
    if body is None:  # what Eastmoney answers when none of the codes exists
        return Parsed({})
    diff = mapping(body, QUOTES_FEED, "data").get("diff") or []
    rows = list(diff.values()) if isinstance(diff, dict) else diff
    if not isinstance(rows, list):
        raise UpstreamFormatError(QUOTES_FEED, "unexpected shape: data.diff is not a list")
    quotes: dict[str, NamedQuote] = {}
    rejected: list[Rejection] = []
    for position, row in enumerate(rows):
        row = mapping(row, QUOTES_FEED, f"data.diff[{position}]")
        code, market = row.get("f12"), row.get("f13")
        if code in (None, "", "-") or market in (None, "", "-"):
            rejected.append(Rejection(f"row {position}", "row without code and market"))
            continue
        secid = f"{market}.{code}"
        quote = _index_quote(row, fltt)
        problem = _implausible(quote, now, max_move_pct)
        if problem:
            rejected.append(Rejection(secid, f"{secid}: {problem}"))
            continue
        name = row.get("f14")
        quotes[secid] = NamedQuote(secid, str(name) if name not in (None, "", "-") else None,
                                   quote)
    return Parsed(quotes, tuple(rejected))


# --- daily history: the kline endpoint (push2his), one index a request

KLINE_FEED = "eastmoney kline"
# Our quote id → secid of the index's daily klines: the A-share indices, and the Hong Kong ones
# (market 100 and 124), whose year Yahoo does not serve (it answers them for short ranges only).
KLINE_SECIDS: dict[str, str] = {**SECIDS, "HSI": "100.HSI", "HSCEI": "100.HSCEI",
                                "HSTECH": "124.HSTECH"}
KLINE_DAILY = "101"  # klt: one bar per session
# Each row: date, open, close, high, low, volume, amount, amplitude (fields f51 … f58).
KLINE_FIELDS = "f51,f52,f53,f54,f55,f56,f57,f58"
KLINE_CLOSE = 2  # the close's place in a row


@dataclass(frozen=True)
class Kline:
    session: date
    close: float


@dataclass(frozen=True)
class KlineSeries:
    secid: str  # as answered: market.code
    name: str | None
    bars: tuple[Kline, ...]  # oldest first, one per date


def kline_request(history_url: str, secid: str, sessions: int) -> Request:
    """The last ``sessions`` daily bars of ``secid`` (``end`` far ahead: up to the latest)."""
    return Request(
        source=KLINE_FEED, upstream=SOURCE,
        url=f"{history_url.rstrip('/')}/api/qt/stock/kline/get",
        params={"secid": secid, "klt": KLINE_DAILY, "fqt": "1", "lmt": str(sessions),
                "end": "20500101", "fields1": "f1,f2,f3,f4,f5,f6", "fields2": KLINE_FIELDS},
    )


def parse_kline(payload: Any, *, secid: str, now: datetime) -> Parsed[KlineSeries]:
    """The daily closes of one kline answer, checked to be ``secid``'s (``000001`` is both the
    SSE Composite on market 1 and Ping An Bank on market 0: the answer's market and code must
    both match). A row without a date or a positive close is left out and named."""
    data = mapping(payload, KLINE_FEED, "$")
    if data.get("rc") not in (0, None):
        raise UpstreamFormatError(KLINE_FEED, f"error answer: rc={data.get('rc')}")
    body = data.get("data")
    if body is None:  # what Eastmoney answers for a secid it does not know
        raise UpstreamFormatError(KLINE_FEED, f"no data for {secid} (data is null)")
    body = mapping(body, KLINE_FEED, "data")
    answered = f"{body.get('market')}.{body.get('code')}"
    if answered != secid:
        raise UpstreamFormatError(KLINE_FEED, f"asked for {secid}, the answer is {answered}")
    rows = body.get("klines") or []
    if not isinstance(rows, list):
        raise UpstreamFormatError(KLINE_FEED, "unexpected shape: data.klines is not a list")
    today = now.astimezone(SHANGHAI).date()
    bars: dict[date, Kline] = {}
    rejected: list[Rejection] = []
    for position, row in enumerate(rows):
        parts = row.split(",") if isinstance(row, str) else []
        close = number(parts[KLINE_CLOSE]) if len(parts) > KLINE_CLOSE else None
        try:
            day = date.fromisoformat(parts[0]) if parts else None
        except ValueError:
            day = None
        if day is None or close is None or close <= 0:
            rejected.append(Rejection(secid, f"{secid}: kline row {position} has no date or "
                                             "no positive close"))
            continue
        if day > today:
            raise UpstreamFormatError(KLINE_FEED, f"{secid}: a bar dated {day.isoformat()}, "
                                                  "after today in Shanghai")
        bars[day] = Kline(day, close)
    name = body.get("name")
    return Parsed(KlineSeries(answered, str(name) if name else None,
                              tuple(bars[d] for d in sorted(bars))), tuple(rejected))
