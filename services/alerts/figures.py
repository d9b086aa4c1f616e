"""The figure each alert kind reads, from the quotes of one poll (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from services.watch.quotes import WatchQuote
from services.watch.zscore import ZScore


@dataclass(frozen=True)
class Figure:
    value: float
    quote: WatchQuote  # the instrument's (the first one's, for a spread)
    other: WatchQuote | None = None  # a spread's second instrument
    z: ZScore | None = None


def figure(kind: str, quote: WatchQuote | None, other: WatchQuote | None = None,
           z: ZScore | None = None) -> Figure | None:
    """The value ``kind`` compares with its threshold, or None when a figure is missing."""
    if quote is None or not quote.ok or quote.price is None:
        return None
    if kind in ("above", "below"):
        return Figure(quote.price, quote)
    if kind == "depeg":
        return Figure((quote.price - 1.0) * 100.0, quote)
    if kind == "z":
        return Figure(z.z, quote, z=z) if z is not None else None
    if quote.change_pct is None:
        return None
    if kind == "move":
        return Figure(quote.change_pct, quote)
    if kind == "spread":
        if other is None or not other.ok or other.change_pct is None:
            return None
        return Figure(quote.change_pct - other.change_pct, quote, other)
    return None
