"""Values for the watchlist and alert tests: quotes, listings and a history."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from services.models.history import History, Series
from services.watch.instruments import REPORT_LISTINGS, Listing
from services.watch.quotes import WINDOW_24H, QuoteBatch, WatchQuote

NOW = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)
DAY = date(2026, 11, 23)
TENCENT = Listing("0700.HK", "0700.HK", "Tencent Holdings Limited", "HK", "stock", "yahoo",
                  "0700.HK", "HSI")
ALIBABA = Listing("9988.HK", "9988.HK", "Alibaba Group Holding Limited", "HK", "stock",
                  "yahoo", "9988.HK", "HSI")
SOLANA = Listing("coin:solana", "SOL", "Solana", "CRYPTO", "coin", "coingecko", "solana", "BTC")
USDC = Listing("coin:usd-coin", "USDC", "USDC", "CRYPTO", "coin", "coingecko", "usd-coin",
               "BTC")
HSI, HSTECH, BTC, SPX = (REPORT_LISTINGS[k] for k in ("HSI", "HSTECH", "BTC", "SPX"))


def close(listing: Listing, price: float | None, change: float | None, day: date = DAY,
          source: str = "yahoo") -> WatchQuote:
    if price is None:
        return WatchQuote(listing.id, "failed", source, problem=f"{source}: HTTP 503")
    return WatchQuote(listing.id, "ok", source, price, change, day,
                      datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=8))


def coin(listing: Listing, price: float, change: float, at: datetime = NOW) -> WatchQuote:
    return WatchQuote(listing.id, "ok", "coingecko", price, change, at.date(), at,
                      window=WINDOW_24H)


def batch(*quotes: WatchQuote) -> QuoteBatch:
    return QuoteBatch({q.id: q for q in quotes}, {}, NOW)


def sessions(last: date, count: int) -> list[date]:
    days: list[date] = []
    day = last
    while len(days) < count:
        if day.weekday() < 5:
            days.insert(0, day)
        day -= timedelta(days=1)
    return days


def history(series_id: str, last: date = date(2026, 11, 20), count: int = 80,
            daily_pct: float = 1.0) -> History:
    """Closes whose daily changes swing about ``daily_pct`` (a volatility near it)."""
    closes = []
    price = 100.0
    for k, day in enumerate(sessions(last, count)):
        price *= 1 + daily_pct / 100 * math.sin(1.3 * k) * 1.4
        closes.append((day, round(price, 4)))
    return History({series_id: Series(series_id, "test", "index", tuple(closes))})
