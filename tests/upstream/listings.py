"""Instruments beyond the report's, for watchlists and alerts: US and Hong Kong listings on
Yahoo (charts with their names, and Yahoo's search), A-share codes on Eastmoney (ulist rows by
secid), coins on CoinGecko (simple/price by id, and its search).

The catalogue is small and deliberate: ``SOL`` is both a US listing (Emeren Group) and a coin
(Solana); ``UNI`` is two ranked coins; ``000001`` is 平安银行 here and the SSE Composite in the
world's board; ``APPL`` is nobody, near ``AAPL`` and ``APLE``; 9988.HK stopped a session early
(its last close is older than the Hang Seng's).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")
HONG_KONG = ZoneInfo("Asia/Hong_Kong")
SHANGHAI = ZoneInfo("Asia/Shanghai")
SESSIONS = (date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20),
            date(2026, 11, 23))


@dataclass
class Listed:
    """A Yahoo listing: its name and daily closes (one per session, oldest first)."""

    symbol: str
    name: str
    zone: ZoneInfo
    exchange: str
    currency: str
    closes: list[tuple[date, float | None]]
    kind: str = "EQUITY"


@dataclass
class BoardRow:
    """An Eastmoney row: f12 code, f13 market, f14 name, f2 price, f18 previous close."""

    code: str
    market: int
    name: str
    price: float
    previous: float
    session: date = SESSIONS[-1]


@dataclass
class Coin:
    id: str
    symbol: str
    name: str
    rank: int | None
    usd: float
    change_24h: float


def _closes(*values: float | None, sessions: tuple[date, ...] = SESSIONS
            ) -> list[tuple[date, float | None]]:
    return list(zip(sessions[-len(values):], values, strict=True))


def _yahoo() -> dict[str, Listed]:
    us, hk = NEW_YORK, HONG_KONG
    return {item.symbol: item for item in (
        Listed("AAPL", "Apple Inc.", us, "NasdaqGS", "USD",
               _closes(226.0, 227.5, 225.9, 227.2, 228.1)),
        Listed("BRK-B", "Berkshire Hathaway Inc. New", us, "NYSE", "USD",
               _closes(468.0, 470.2, 471.0, 469.5, 472.3)),
        Listed("SOL", "Emeren Group Ltd", us, "NYSE", "USD", _closes(1.80, 1.83, 1.85)),
        Listed("APLE", "Apple Hospitality REIT, Inc.", us, "NYSE", "USD",
               _closes(14.1, 14.2, 14.15)),
        Listed("0700.HK", "Tencent Holdings Limited", hk, "HKSE", "HKD",
               _closes(392.0, 395.4, 390.2, 388.0, 375.97)),
        Listed("9988.HK", "Alibaba Group Holding Limited", hk, "HKSE", "HKD",
               _closes(84.0, 83.1, 82.5, 81.9, None)),
    )}


def _board() -> dict[str, BoardRow]:
    return {f"{r.market}.{r.code}": r for r in (
        BoardRow("000001", 0, "平安银行", 11.57, 11.35),
        BoardRow("600519", 1, "贵州茅台", 1480.0, 1475.5),
        BoardRow("300750", 0, "宁德时代", 291.11, 286.8),
        BoardRow("830799", 0, "艾融软件", 40.12, 39.5),
    )}


def _coins() -> dict[str, Coin]:
    return {c.id: c for c in (
        Coin("bitcoin", "BTC", "Bitcoin", 1, 87123.0, 1.04),
        Coin("ethereum", "ETH", "Ethereum", 2, 2950.5, 0.5),
        Coin("solana", "SOL", "Solana", 6, 142.1, 5.2),
        Coin("sol-wormhole-fork", "SOL", "Sol (an unranked fork)", None, 0.01, 0.0),
        Coin("usd-coin", "USDC", "USDC", 7, 0.9998, 0.01),
        Coin("tether", "USDT", "Tether", 3, 1.0002, -0.01),
        Coin("uniswap", "UNI", "Uniswap", 25, 9.81, 2.2),
        Coin("universe-token", "UNI", "Universe Token", 2100, 0.0042, -3.0),
    )}


@dataclass
class Listings:
    yahoo: dict[str, Listed] = field(default_factory=_yahoo)
    board: dict[str, BoardRow] = field(default_factory=_board)
    coins: dict[str, Coin] = field(default_factory=_coins)

    # --- Yahoo

    def series(self, symbol: str) -> list[tuple[date, float | None]] | None:
        listed = self.yahoo.get(symbol)
        return [(d, c) for d, c in listed.closes if c is not None] if listed else None

    def zone(self, symbol: str) -> ZoneInfo | None:
        listed = self.yahoo.get(symbol)
        return listed.zone if listed else None

    def meta(self, symbol: str) -> dict[str, Any]:
        listed = self.yahoo.get(symbol)
        if listed is None:
            return {}
        return {"longName": listed.name, "shortName": listed.name[:24],
                "fullExchangeName": listed.exchange, "currency": listed.currency,
                "instrumentType": listed.kind}

    def set_close(self, symbol: str, close: float, day: date | None = None) -> None:
        """The last session's close (or a new session's, with ``day``)."""
        listed = self.yahoo[symbol]
        if day is None or day == listed.closes[-1][0]:
            listed.closes[-1] = (listed.closes[-1][0], close)
        else:
            listed.closes.append((day, close))

    def search(self, query: str) -> dict[str, Any]:
        """Yahoo's /v1/finance/search: symbols and names near the query."""
        wanted = query.upper()
        scored = []
        for listed in self.yahoo.values():
            score = max(difflib.SequenceMatcher(None, wanted, listed.symbol).ratio(),
                        difflib.SequenceMatcher(None, wanted, listed.name.upper()[:8]).ratio())
            if score >= 0.6:
                scored.append((score, listed))
        scored.sort(key=lambda pair: -pair[0])
        quotes = [{"exchange": "NMS", "shortname": it.name[:24], "longname": it.name,
                   "quoteType": it.kind, "symbol": it.symbol, "exchDisp": it.exchange,
                   "isYahooFinance": True} for _, it in scored[:6]]
        return {"explains": [], "count": len(quotes), "quotes": quotes, "news": []}

    # --- Eastmoney

    def row(self, secid: str, now: datetime) -> dict[str, Any] | None:
        row = self.board.get(secid)
        if row is None:
            return None
        closed = min(datetime.combine(row.session, time(15, 0, 2), SHANGHAI),
                     now - timedelta(seconds=2)).astimezone(UTC)
        return {"f12": row.code, "f13": row.market, "f14": row.name, "f2": row.price,
                "f3": round((row.price / row.previous - 1) * 100, 2), "f18": row.previous,
                "f124": int(closed.timestamp())}

    # --- CoinGecko

    def prices(self, ids: list[str], now: datetime) -> dict[str, Any]:
        return {c.id: {"usd": c.usd, "usd_24h_change": c.change_24h,
                       "last_updated_at": int(now.timestamp()) - 30}
                for gid in ids if (c := self.coins.get(gid)) is not None}

    def coin_search(self, query: str) -> dict[str, Any]:
        wanted = query.lower()
        found = [c for c in self.coins.values()
                 if wanted in (c.id, c.symbol.lower()) or c.name.lower().startswith(wanted)
                 or (len(wanted) >= 3 and c.symbol.lower().startswith(wanted[:3]))]
        found.sort(key=lambda c: (c.rank is None, c.rank or 0))
        return {"coins": [{"id": c.id, "name": c.name, "api_symbol": c.id,
                           "symbol": c.symbol, "market_cap_rank": c.rank,
                           "thumb": "", "large": ""} for c in found],
                "exchanges": [], "icos": [], "categories": [], "nfts": []}
