"""Quotes → ``Move`` values, with each market's session status."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from services.models.analysis import Move
from services.models.snapshot import MarketSnapshot, Quote

# The headline index of each market, and the market's label.
HEADLINE: dict[str, str] = {"US": "SPX", "HK": "HSI", "CN": "SSE", "CRYPTO": "BTC"}
MARKET_LABEL: dict[str, str] = {"US": "US", "HK": "Hong Kong", "CN": "A-shares",
                                "CRYPTO": "Crypto"}
EQUITY_MARKETS = ("US", "HK", "CN")

# Known ids in display order; unknown ids follow in snapshot order.
ORDER: tuple[str, ...] = ("SPX", "IXIC", "DJI", "HSI", "HSCEI", "HSTECH", "SSE", "SZSE",
                          "CHINEXT", "BTC", "ETH")

# Short display names for known ids (the snapshot's own name is used otherwise).
SHORT_NAME: dict[str, str] = {
    "SPX": "S&P 500", "IXIC": "Nasdaq", "DJI": "Dow", "HSI": "HSI", "HSCEI": "HSCEI",
    "HSTECH": "HSTECH", "SSE": "SSE", "SZSE": "SZSE", "CHINEXT": "ChiNext", "BTC": "BTC",
    "ETH": "ETH",
}


def short_name(move: Move) -> str:
    return SHORT_NAME.get(move.id, move.name)


def table_name(move: Move) -> str:
    """A short name for tables that keeps a CJK name when the quote has one (上证指数 SSE)."""
    cjk = "".join(c for c in move.name.split(" ")[0] if "\u4e00" <= c <= "\u9fff")
    short = short_name(move)
    return f"{cjk} {short}" if cjk and cjk not in short else short


def latest_equity_session(snapshot: MarketSnapshot) -> date | None:
    """The most recent session date among the equity headline indices."""
    dates = [q.session_date for q in snapshot.quotes
             if q.market in EQUITY_MARKETS and q.id == HEADLINE[q.market] and q.session_date]
    if not dates:
        dates = [q.session_date for q in snapshot.quotes
                 if q.market in EQUITY_MARKETS and q.session_date]
    return max(dates) if dates else None


def market_session(snapshot: MarketSnapshot, market: str) -> date | None:
    quotes = [q for q in snapshot.quotes if q.market == market]
    headline = next((q for q in quotes if q.id == HEADLINE.get(market)), None)
    if headline is not None and headline.session_date is not None:
        return headline.session_date
    dates = [q.session_date for q in quotes if q.session_date]
    return max(dates) if dates else None


def is_closed(session: date | None, latest: date | None) -> bool:
    """An equity market whose last session is older than the edition's latest session."""
    return session is not None and latest is not None and session < latest


def to_move(quote: Quote, latest: date | None) -> Move:
    session = quote.session_date
    closed = quote.market in EQUITY_MARKETS and is_closed(session, latest)
    return Move(id=quote.id, name=quote.name or quote.id, market=quote.market, kind=quote.kind,
                close=quote.close, change_pct=quote.change_pct, session=session,
                source=quote.source, closed=closed, stale=quote.stale,
                window=quote.change_window)


def all_moves(snapshot: MarketSnapshot) -> dict[str, Move]:
    latest = latest_equity_session(snapshot)
    rank = {quote_id: i for i, quote_id in enumerate(ORDER)}
    quotes = sorted(snapshot.quotes, key=lambda q: rank.get(q.id, len(ORDER)))
    return {q.id: to_move(q, latest) for q in quotes}


def pick(moves: dict[str, Move], ids: Iterable[str]) -> tuple[Move, ...]:
    return tuple(moves[i] for i in ids if i in moves)


def comparable(move: Move | None) -> bool:
    """A move that can enter a comparison: present, with a change, from a current session."""
    return move is not None and move.change_pct is not None and not move.closed and not move.stale
