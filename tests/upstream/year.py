"""The fake upstreams with a history: more than a trading year of daily bars for every series.

``year_world(now, calendars)`` is ``world_at(now, calendars)`` (today's market day, the same
routes and faults) whose Yahoo charts hold ``DAYS`` calendar days of sessions (each exchange's
own calendar; weekdays where the calendar does not reach), plus the routes a backfill reads:

- Eastmoney's daily klines (``/eastmoneyhis/api/qt/stock/kline/get``) for the A-share and Hong
  Kong indices, rows ``date,open,close,high,low,volume,amount,amplitude`` (route
  ``eastmoney:kline:<secid>``, so a fault can hit one index);
- DefiLlama's stablecoin charts (``/stablecoins/stablecoincharts/all?stablecoin=1``), one point
  a UTC day, today's included (still moving);
- Yahoo charts of the macro quotes (DXY, ^TNX, GC=F, CL=F, ^VIX, CNH=X) up to the day of
  their own zone (New York, London: no bar dated after it), and daily coin bars, today's bar
  included (live).

A session still trading at ``now`` has its bar too, so a backfill has a live bar to leave out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.market_data.calendars import Calendars, MarketCalendar
from tests.upstream.server import FakeRequest
from tests.upstream.world import _CN, _CRYPTO, _HK, _US, ALL_DAY, World, world_at
from tests.upstream.world import ZONES as WORLD_ZONES

DAYS = 420
OPEN = time(9, 30)  # the fake's opening time, local, in every market (world.REGULAR_HOURS)
KLINE_PATH = "/eastmoneyhis/api/qt/stock/kline/get"
SUPPLY_PATH = "/stablecoins/stablecoincharts/all"
ZONES = {"US": ZoneInfo("America/New_York"), "HK": ZoneInfo("Asia/Hong_Kong"),
         "CN": ZoneInfo("Asia/Shanghai")}
KLINE_SYMBOLS = {"1.000001": "000001.SS", "0.399001": "399001.SZ", "0.399006": "399006.SZ",
                 "100.HSI": "^HSI", "100.HSCEI": "^HSCE", "124.HSTECH": "HSTECH.HK"}
MACRO = {"DX-Y.NYB": 99.6, "^TNX": 4.39, "GC=F": 4570.0, "CL=F": 98.3, "^VIX": 26.8,
         "CNH=X": 7.12}
SUPPLIES = {"1": 184.0e9, "2": 79.0e9, "5": 4.5e9}


def walk(base: float, days: list[date], seed: int) -> list[tuple[date, float | None]]:
    """A price path over ``days``: small moves that repeat, never a close equal to the day
    before."""
    moves = (0.004, -0.006, 0.0025, -0.0015, 0.0059, -0.0031, 0.0012)
    price = base
    out: list[tuple[date, float | None]] = []
    for i, day in enumerate(days):
        price *= 1 + moves[(i + seed) % len(moves)]
        out.append((day, round(price, 4)))
    return out


def sessions(calendars: Calendars, market: str, now: datetime) -> list[date]:
    """The market's sessions from ``DAYS`` ago up to today's once it has opened (its bar is
    live until the close)."""
    local = now.astimezone(ZONES[market])
    today = local.date() if local.time() >= OPEN else local.date() - timedelta(days=1)
    start = today - timedelta(days=DAYS)
    view = calendars.at(market, now)
    if isinstance(view, MarketCalendar) and view.known(today):
        return list(calendars.sessions(market, start, today))
    return weekdays(start, today)


def weekdays(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)
            if (start + timedelta(days=n)).weekday() < 5]


@dataclass
class YearWorld(World):
    klines: dict[str, list[tuple[date, float | None]]] = field(default_factory=dict)
    supplies: dict[str, list[tuple[date, float]]] = field(default_factory=dict)

    def _route(self, request: FakeRequest) -> tuple[str, Any]:
        if request.path == KLINE_PATH:
            return (f"eastmoney:kline:{request.query.get('secid', '')}",
                    lambda nulls: self.kline(request.query))
        if request.path == SUPPLY_PATH:
            return "defillama:supply", lambda nulls: self.supply_chart(request.query)
        return super()._route(request)

    def kline(self, query: dict[str, str]) -> dict[str, Any]:
        secid = query.get("secid", "")
        bars = self.klines.get(secid)
        if bars is None:
            return {"rc": 0, "rt": 17, "data": None}
        limit = int(query.get("lmt", "0") or 0) or len(bars)
        market, code = secid.split(".")
        rows = [f"{day.isoformat()},{close},{close},{close},{close},1000,100000.0,0.5"
                for day, close in bars[-limit:] if close is not None]
        return {"rc": 0, "rt": 17, "svr": 1, "lt": 1, "full": 0, "dlmkts": "",
                "data": {"code": code, "market": int(market), "name": secid, "decimal": 2,
                         "dktotal": len(bars), "preKPrice": bars[0][1], "klines": rows}}

    def supply_chart(self, query: dict[str, str]) -> list[dict[str, Any]]:
        points = self.supplies.get(query.get("stablecoin", ""), [])
        return [{"date": str(int(datetime(d.year, d.month, d.day,
                                          tzinfo=ZoneInfo("UTC")).timestamp())),
                 "totalCirculating": {"peggedUSD": usd},
                 "totalCirculatingUSD": {"peggedUSD": usd},
                 "totalUnreleased": {"peggedUSD": 0}} for d, usd in points]


def _macro_today(symbol: str, now: datetime) -> date:
    """The latest day a macro series has a bar for at ``now``: the day of its own zone (New
    York, London) once its bar has opened (round the clock: at midnight; the VIX and the
    10-year at the open), never a day that has not begun there (a bar in the future)."""
    local = now.astimezone(WORLD_ZONES[symbol])
    opening = time(0, 0) if symbol in ALL_DAY else OPEN
    return local.date() if local.time() >= opening else local.date() - timedelta(days=1)


def year_world(now: datetime, calendars: Calendars) -> YearWorld:
    base = world_at(now, calendars)
    days = {market: sessions(calendars, market, now) for market in ZONES}
    series = dict(base.series)
    for i, (symbol, price) in enumerate(_US.items()):
        series[symbol] = walk(price, days["US"], i)
    for i, (symbol, price) in enumerate((_HK | _CN).items()):
        series[symbol] = walk(price, days["HK" if symbol in _HK else "CN"], i)
    utc_today = now.astimezone(ZoneInfo("UTC")).date()
    every_day = [utc_today - timedelta(days=n) for n in range(DAYS, -1, -1)]
    for i, (symbol, price) in enumerate((_CRYPTO | MACRO).items()):
        series[symbol] = walk(price, every_day if symbol in _CRYPTO else weekdays(
            every_day[0], _macro_today(symbol, now)), i)
    klines = {secid: series[symbol] for secid, symbol in KLINE_SYMBOLS.items()}
    supplies = {coin: [(d, float(c or 0)) for d, c in walk(usd, every_day, 3)]
                for coin, usd in SUPPLIES.items()}
    return YearWorld(now=base.now, series=series, cn_rows=base.cn_rows, coins=base.coins,
                     global_market=base.global_market, klines=klines, supplies=supplies)
