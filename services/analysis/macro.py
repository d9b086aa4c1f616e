"""The macro layer: the dollar, the US 10-year yield, gold, WTI crude, VIX and the offshore yuan.
Pure.

Each figure comes from the snapshot's quote of market ``MACRO``. A snapshot without one (the
sample day, an older file) takes the history's close of the US session the snapshot reports
and its change over the history's session before, labelled as coming from the history; with
neither, the figure is missing. The 10-year's move is in basis points (its close is a yield in
percent: 4.39 → 4.47 is +8 bp), every other move in percent.
"""

from __future__ import annotations

from datetime import date

from services.models.analysis import MacroReading
from services.models.history import History
from services.models.snapshot import MarketSnapshot, Quote

# id → (label, kind), in the order the report shows them.
MACRO: dict[str, tuple[str, str]] = {
    "DXY": ("Dollar index", "fx"),
    "TNX": ("US 10-year", "rate"),
    "GOLD_FUT": ("Gold", "commodity"),
    "WTI_FUT": ("WTI crude", "commodity"),
    "VIX": ("VIX", "volatility"),
    "USDCNH": ("USD/CNH", "fx"),
}
IN_BP = frozenset({"TNX"})
MAX_GAP_DAYS = 5  # a long weekend with a holiday is four days
HISTORY_SOURCE = "history"


def macro_readings(snapshot: MarketSnapshot, history: History,
                   session: date | None) -> tuple[MacroReading, ...]:
    """Every macro figure, in ``MACRO`` order; ``session`` is the US session the history's
    closes are taken from when the snapshot has no quote."""
    quotes = {q.id: q for q in snapshot.quotes if q.market == "MACRO"}
    return tuple(_reading(macro_id, quotes.get(macro_id), history, session)
                 for macro_id in MACRO)


def _reading(macro_id: str, quote: Quote | None, history: History,
             session: date | None) -> MacroReading:
    label, kind = MACRO[macro_id]
    if quote is not None:
        return _from_quote(macro_id, label, kind, quote)
    series = history.get(macro_id)
    close = series.close_on(session) if series is not None and session is not None else None
    if series is None or session is None or close is None:
        return MacroReading(macro_id, label, kind, None, None, None, session, None)
    before = series.before(session).closes
    # a day's change: over the session before, not across a hole in the history
    previous = before[-1][1] if before and (session - before[-1][0]).days <= MAX_GAP_DAYS \
        else None
    pct, bp = _changes(macro_id, close, previous)
    return MacroReading(macro_id, label, kind, close, pct, bp, session, HISTORY_SOURCE,
                        from_history=True)


def _from_quote(macro_id: str, label: str, kind: str, quote: Quote) -> MacroReading:
    pct = quote.change_pct
    bp: float | None = None
    if macro_id in IN_BP:
        # a yield's move in bp: the quote's own, else from its close and percent change
        bp = getattr(quote, "change_bp", None)
        if bp is None and quote.close is not None and pct is not None and pct > -100:
            bp = (quote.close - quote.close / (1 + pct / 100)) * 100
        pct = None
    return MacroReading(macro_id, label, kind, quote.close, pct, bp, quote.session_date,
                        quote.source)


def _changes(macro_id: str, close: float, previous: float | None
             ) -> tuple[float | None, float | None]:
    if previous is None:
        return None, None
    if macro_id in IN_BP:
        return None, (close - previous) * 100
    return ((close / previous - 1) * 100 if previous > 0 else None), None
