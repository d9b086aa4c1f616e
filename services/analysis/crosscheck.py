"""Cross-check every quote against its own history, before anything reads it as today's move.

Pure: a snapshot and a history in, the snapshot as the analysis should read it out, with one
``QuoteCheck`` per quote the history contradicts. The same function runs on the sample, on a
user's ``--input`` and on the live path against the stored history.

Rules (issue "History", item 7), for a quote whose stated session the history has:

- **conflict**: the closes differ by more than ``CONFLICT_CLOSE_PCT``, or the day's changes
  differ by more than ``CONFLICT_CHANGE_PP``. A quote without a close is checked by its change.
- **stale**: a conflict whose close equals (within ``STALE_TOLERANCE_PCT``) the close of an
  *earlier* session. The earlier date is named ("equals the close of 2025-09-26"). A quote
  that agrees with the history is never called stale because its close happens to equal an
  older one (a quiet dollar index revisits its levels).

A stale or conflicting quote is never read as today's move: the history's close for the stated
session (and its change from the session before) replaces it, with the history's source. When
the history cannot give a change, the quote keeps no change and is flagged stale, so it stays
out of the chain, the divergences, the verdict and the plan.

Coins are not checked: their change is a rolling 24 hours, the history's a UTC-day close, two
different windows rather than a conflict. Rates (unit ``percent``) are checked by close only,
because their day move is read in basis points, not percent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.analysis.macro import MACRO
from services.models.analysis import Finding, QuoteCheck
from services.models.history import History, Series
from services.models.snapshot import RATE_KIND, MarketSnapshot, Quote

STALE_TOLERANCE_PCT = 0.01
CONFLICT_CLOSE_PCT = 0.5
CONFLICT_CHANGE_PP = 0.25
UNCHECKED_MARKETS = ("CRYPTO",)
HISTORY_SOURCE_PREFIX = "history"
# Series the report reads without a quote of their own (the macro block takes its closes from
# the history; supplies are stored for the stablecoin figures): not worth a warning every day.
# The live path never lists a series here day after day: an edition reads from the history
# store only its quotes' series and those the bot keeps (``services.report.history``), so what
# an import brought for no edition (a FRED series) is not "without a quote"; a kept series is
# listed on a day its quote is missing. A history given with the day is read whole.
READ_WITHOUT_A_QUOTE = frozenset(MACRO)
SUPPLY_SUFFIX = "_SUPPLY"


@dataclass(frozen=True)
class CrossChecked:
    snapshot: MarketSnapshot  # as the analysis should read it
    checks: tuple[QuoteCheck, ...]
    without_quote: tuple[str, ...]  # history series no quote of the snapshot carries


def short_source(series: Series) -> str:
    """The series' source as a reader needs it: the feed it names ("Yahoo ^GSPC", "FRED
    NASDAQCOM") or its title, without the repository path."""
    head = series.source.split(";")[0].strip()
    inner = head[head.find("(") + 1:head.find(")")] if "(" in head and ")" in head else ""
    if inner:
        return inner
    return head.split("(")[0].strip() or series.id


def history_label(series: Series) -> str:
    return f"{HISTORY_SOURCE_PREFIX}, {short_source(series)}"


def _pct_change(now: float, before: float) -> float | None:
    return (now / before - 1.0) * 100.0 if before > 0 else None


def _same(a: float, b: float, tolerance_pct: float) -> bool:
    return b != 0 and abs(a / b - 1.0) * 100.0 <= tolerance_pct


def _history_change(series: Series, at: int) -> float | None:
    if at == 0:
        return None
    return _pct_change(series.closes[at][1], series.closes[at - 1][1])


def _earlier_match(series: Series, quote: Quote, at: int) -> date | None:
    """The earlier session (before index ``at``) whose close the quote's close equals. Of
    several within the tolerance, the one whose day change also matches the quote's wins, then
    the closest close, then the latest."""
    assert quote.close is not None
    best: tuple[int, float, int] | None = None
    for i in range(at):
        value = series.closes[i][1]
        if not _same(quote.close, value, STALE_TOLERANCE_PCT):
            continue
        change = _history_change(series, i)
        differs = int(quote.change_pct is not None and (
            change is None or abs(change - quote.change_pct) > CONFLICT_CHANGE_PP))
        key = (differs, abs(quote.close - value), -i)
        if best is None or key < best:
            best = key
    return series.closes[-best[2]][0] if best is not None else None


def check_quote(quote: Quote, series: Series) -> QuoteCheck | None:
    """The finding for one quote against its series, or None when they agree (or cannot be
    compared: no session, or a session the history does not hold)."""
    session = quote.session_date
    if session is None or quote.market in UNCHECKED_MARKETS:
        return None
    at = series.index_of(session)
    if at is None:
        return None
    h_close = series.closes[at][1]
    h_change = _history_change(series, at)
    check_change = series.unit != "percent"

    def found(finding: Finding, earlier: date | None = None) -> QuoteCheck:
        return QuoteCheck(quote.id, finding, session, quote.close, quote.change_pct,
                          quote.source, h_close, h_change, history_label(series), earlier)

    close_off = quote.close is not None and not _same(quote.close, h_close, CONFLICT_CLOSE_PCT)
    change_off = (check_change and quote.change_pct is not None and h_change is not None
                  and abs(quote.change_pct - h_change) > CONFLICT_CHANGE_PP)
    if not (close_off or change_off):
        return None
    earlier = _earlier_match(series, quote, at) if quote.close is not None else None
    return found(Finding.STALE, earlier) if earlier is not None else found(Finding.CONFLICT)


def _corrected(quote: Quote, check: QuoteCheck) -> Quote:
    change = check.history_change_pct
    if change is None:
        return quote.model_copy(update={"stale": True})
    update: dict[str, object] = {"close": check.history_close, "change_pct": change,
                                 "source": check.history_source, "stale": False}
    if quote.kind == RATE_KIND:  # a yield moves in basis points: the history's, not the feed's
        previous = check.history_close / (1 + change / 100)
        update |= {"change_pct": None, "change_bp": (check.history_close - previous) * 100}
    return quote.model_copy(update=update)


def cross_check(snapshot: MarketSnapshot, history: History) -> CrossChecked:
    """``snapshot`` with every contradicted quote replaced by its history (see the module)."""
    if not history:
        return CrossChecked(snapshot, (), ())
    checks: list[QuoteCheck] = []
    quotes: list[Quote] = []
    for quote in snapshot.quotes:
        series = history.get(quote.id)
        check = check_quote(quote, series) if series is not None else None
        if check is None:
            quotes.append(quote)
            continue
        fixed = _corrected(quote, check)
        if fixed.stale:
            check = replace(check, replaced=False)
        checks.append(check)
        quotes.append(fixed)
    carried = {q.id for q in snapshot.quotes} | READ_WITHOUT_A_QUOTE
    without = tuple(sorted(s.id for s in history
                           if s.id not in carried and not s.id.endswith(SUPPLY_SUFFIX)))
    fixed_snapshot = snapshot.model_copy(update={"quotes": tuple(quotes)}) if checks else snapshot
    return CrossChecked(fixed_snapshot, tuple(checks), without)
