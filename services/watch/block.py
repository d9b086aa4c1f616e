""""Your watchlist": one chat's instruments with their figures, as platform-neutral lines.

Pure: the quotes (one ``QuoteBatch`` shared by every chat), the chat's listings and the
history in, a ``WatchBlock`` out. Per instrument, a head line (label and name) and a figures
line: price or close, change, session date (a coin: its 24 h window and time), z against its
own history when the history has enough of it, and its move against its market's index. A
quote older than its index's session is labelled stale; a missing one says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from services import format as fmt
from services.models.history import EMPTY_HISTORY, History
from services.watch.instruments import Listing
from services.watch.quotes import WINDOW_24H, QuoteBatch, WatchQuote
from services.watch.zscore import LOOKBACK, ZScore, z_score

TITLE = "Your watchlist"


@dataclass(frozen=True)
class WatchRow:
    listing: Listing
    quote: WatchQuote | None
    z: ZScore | None
    benchmark: WatchQuote | None
    stale_after: date | None  # the later session of its index that this quote lacks


@dataclass(frozen=True)
class WatchBlock:
    title: str
    rows: tuple[WatchRow, ...]
    footer: str

    def items(self) -> list[tuple[str, str]]:
        """(head, figures) per instrument."""
        return [(head(row), figures(row)) for row in self.rows]

    def plain(self) -> str:
        body = "\n".join(f"{h}\n{f}" for h, f in self.items())
        return f"{self.title}\n{body}\n{self.footer}"


def build_block(listings: Sequence[Listing], batch: QuoteBatch,
                history: History = EMPTY_HISTORY, title: str = TITLE) -> WatchBlock:
    rows = []
    for listing in listings:
        quote = batch.get(listing.id)
        bench = batch.get(listing.benchmark) if listing.benchmark else None
        z = None
        if quote is not None and quote.ok:
            z = z_score(history.get(listing.id), quote.session, quote.change_pct)
        rows.append(WatchRow(listing, quote, z, bench, _stale_after(listing, quote, bench)))
    return WatchBlock(title, tuple(rows), footer(rows, batch.quotes))


def _stale_after(listing: Listing, quote: WatchQuote | None,
                 bench: WatchQuote | None) -> date | None:
    if listing.kind == "coin" or quote is None or not quote.ok or bench is None or not bench.ok:
        return None
    if quote.session is not None and bench.session is not None and quote.session < bench.session:
        return bench.session
    return None


def head(row: WatchRow) -> str:
    name = row.listing.name
    return row.listing.label if name == row.listing.label else f"{row.listing.label} {name}"


def price(listing: Listing, value: float | None) -> str:
    return fmt.price_usd(value) if listing.kind == "coin" else fmt.level(value)


def when(quote: WatchQuote) -> str:
    """The quote's time: a close's session date, a live price's time, a coin's window."""
    if quote.window == WINDOW_24H and quote.as_of is not None:
        return f"24h to {quote.as_of:%Y-%m-%d %H:%M} UTC"
    if quote.live and quote.as_of is not None:
        return f"live, {quote.as_of:%Y-%m-%d %H:%M} UTC"
    return fmt.day(quote.session)


def figures(row: WatchRow) -> str:
    quote = row.quote
    if quote is None or not quote.ok:
        why = quote.problem if quote is not None and quote.problem else "no answer"
        return f"{fmt.MISSING} ({why})"
    parts = [f"{price(row.listing, quote.price)} {fmt.pct(quote.change_pct)}", when(quote)]
    if row.stale_after is not None:
        parts[-1] += f" (stale: {row.listing.benchmark} has {fmt.day(row.stale_after)})"
    if row.z is not None:
        parts.append(f"z {row.z.z:+.1f}")
    if row.listing.benchmark and row.listing.benchmark != row.listing.id:
        parts.append(versus(row))
    return " · ".join(parts)


def versus(row: WatchRow) -> str:
    bench, name = row.benchmark, row.listing.benchmark
    if bench is None or not bench.ok:
        return f"vs {name} {fmt.MISSING}"
    text = f"vs {name} {fmt.pct(bench.change_pct)}"
    quote = row.quote
    same = (quote is not None and bench.session == quote.session) or bench.window == WINDOW_24H
    return text if same else f"{text} ({fmt.day(bench.session)})"


def footer(rows: Sequence[WatchRow], quotes: Mapping[str, WatchQuote]) -> str:
    sources = sorted({q.source for q in quotes.values() if q.ok})
    parts = [f"Sources: {', '.join(sources) or fmt.MISSING}.",
             "Changes: session over session; coins over 24 h."]
    if any(row.z is not None for row in rows):
        parts.append(f"z: the move over its {LOOKBACK}-session volatility.")
    return " ".join(parts)


def needed(listings: Sequence[Listing]) -> list[str]:
    """The benchmark ids a block of ``listings`` compares against."""
    return sorted({li.benchmark for li in listings if li.benchmark})
