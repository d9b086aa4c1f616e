""""Your watchlist": one chat's instruments with their figures, as platform-neutral lines.

Pure: the quotes (one ``QuoteBatch`` shared by every chat), the chat's listings and the
history in, a ``WatchBlock`` out. Per instrument, a head line (label and name) and a figures
line: price or close, change, session date (a coin: its 24 h window and time), z against its
own history when the history has enough of it, and its move against its market's index. A
quote older than its index's session is labelled stale; a missing one says why. Its words and
figures are in the block's ``language`` (a quote's problem is the data layer's own text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from services import format as fmt
from services.i18n import N_, Translator, translator
from services.models.history import EMPTY_HISTORY, History
from services.watch.instruments import Listing
from services.watch.quotes import WINDOW_24H, QuoteBatch, WatchQuote
from services.watch.zscore import LOOKBACK, ZScore, z_score

TITLE = N_("Your watchlist")


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
    language: str = "en"

    def items(self) -> list[tuple[str, str]]:
        """(head, figures) per instrument."""
        tr = translator(self.language)
        return [(head(row), figures(row, tr)) for row in self.rows]

    def plain(self) -> str:
        body = "\n".join(f"{h}\n{f}" for h, f in self.items())
        return f"{self.title}\n{body}\n{self.footer}"


def build_block(listings: Sequence[Listing], batch: QuoteBatch,
                history: History = EMPTY_HISTORY, title: str = TITLE, language: str = "en"
                ) -> WatchBlock:
    tr = translator(language)
    rows = []
    for listing in listings:
        quote = batch.get(listing.id)
        bench = batch.get(listing.benchmark) if listing.benchmark else None
        z = None
        if quote is not None and quote.ok:
            z = z_score(history.get(listing.id), quote.session, quote.change_pct)
        rows.append(WatchRow(listing, quote, z, bench, _stale_after(listing, quote, bench)))
    return WatchBlock(tr.gettext(title), tuple(rows), footer(rows, batch.quotes, tr),
                      tr.language)


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


def price(listing: Listing, value: float | None, language: str = "en") -> str:
    return (fmt.price_usd(value, language) if listing.kind == "coin"
            else fmt.level(value, language))


def when(quote: WatchQuote, tr: Translator | None = None) -> str:
    """The quote's time: a close's session date, a live price's time, a coin's window."""
    tr = tr or translator()
    if quote.as_of is not None and (quote.window == WINDOW_24H or quote.live):
        time = f"{quote.as_of:%Y-%m-%d %H:%M}"
        return (tr.gettext("24h to {time} UTC", time=time) if quote.window == WINDOW_24H
                else tr.gettext("live, {time} UTC", time=time))
    return fmt.day(quote.session, tr.language)


def figures(row: WatchRow, tr: Translator | None = None) -> str:
    tr = tr or translator()
    f = fmt.figures(tr.language)
    quote = row.quote
    if quote is None or not quote.ok:
        why = quote.problem if quote is not None and quote.problem else tr.gettext("no answer")
        return tr.gettext("{missing} ({why})", missing=f.missing, why=why)
    parts = [f"{price(row.listing, quote.price, tr.language)} {f.pct(quote.change_pct)}",
             when(quote, tr)]
    if row.stale_after is not None:
        parts[-1] += tr.gettext(" (stale: {index} has {day})", index=row.listing.benchmark,
                                day=f.day(row.stale_after))
    if row.z is not None:
        parts.append(f"z {row.z.z:+.1f}")
    if row.listing.benchmark and row.listing.benchmark != row.listing.id:
        parts.append(versus(row, tr))
    return " · ".join(parts)


def versus(row: WatchRow, tr: Translator | None = None) -> str:
    tr = tr or translator()
    f = fmt.figures(tr.language)
    bench, name = row.benchmark, row.listing.benchmark
    if bench is None or not bench.ok:
        return tr.gettext("vs {index} {change}", index=name, change=f.missing)
    text = tr.gettext("vs {index} {change}", index=name, change=f.pct(bench.change_pct))
    quote = row.quote
    same = (quote is not None and bench.session == quote.session) or bench.window == WINDOW_24H
    return text if same else f"{text} ({f.day(bench.session)})"


def footer(rows: Sequence[WatchRow], quotes: Mapping[str, WatchQuote],
           tr: Translator | None = None) -> str:
    tr = tr or translator()
    sources = sorted({q.source for q in quotes.values() if q.ok})
    parts = [tr.gettext("Sources: {sources}.",
                        sources=tr.join(sources) or fmt.missing(tr.language)),
             tr.gettext("Changes: session over session; coins over 24 h.")]
    if any(row.z is not None for row in rows):
        parts.append(tr.gettext("z: the move over its {n}-session volatility.", n=LOOKBACK))
    return " ".join(parts)


def needed(listings: Sequence[Listing]) -> list[str]:
    """The benchmark ids a block of ``listings`` compares against."""
    return sorted({li.benchmark for li in listings if li.benchmark})
