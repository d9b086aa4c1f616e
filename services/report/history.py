"""The history an edition is read against, and the day's closes it leaves behind.

``StoredHistory`` reads the history store before an edition is analysed and, once the edition
is built, appends the snapshot's closes (``record``). Given ``series`` (the series the bot
keeps: what ``history backfill`` fetches, the bot passes them), it reads those and the
snapshot's quotes' only (``edition_ids``): the store also keeps what it was given for no
edition (the shared year imported whole brings a FRED 10-year, WTI spot, the CNY fixing), and
an edition that read those would list them as "history kept for series without a quote today",
day after day. That line stays for a history given with the day (``--history``, the sample's
year), whose extra series are listed once, and for a kept series whose quote is missing today.

Reading never fails an edition: a store that cannot be read within ``READ_TIMEOUT_S`` gives an
empty ``History`` whose ``gaps`` name the failure (the analysis lists it in the warnings) and
the day is read as without history.
Recording is best effort: a failure is logged, the edition stands.

Which closes are recorded (``closes_to_record``, pure): equity and macro quotes with a close
and a session date (a coin's rolling 24-hour price is not a day's close), not marked stale, not
among ``doubtful`` (the cross-check's stale or conflicting quotes), and

- not a session the history already holds: a stored close (from a backfill or an import) is
  never overwritten by an edition;
- not an earlier session's bar served again: its close equal (±0.01 %) to the stored close of
  an earlier session (other than the one just before it) and its change equal to that
  session's (±0.05 pp). A primary serving an old bar as today's (the sample day's S&P 500,
  6,643.70 +0.59 %, is the bar of 2025-09-26) must not enter the history as today's close.

Each quote left out is logged with its reason; ``python -m bot history backfill`` fills any
session missed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from services.models.history import EMPTY_HISTORY, History, Series, Unit
from services.models.snapshot import MarketSnapshot, Quote
from services.storage.closes import ClosesStore, SessionClose

log = logging.getLogger(__name__)

READ_TIMEOUT_S = 5.0
LOOKBACK_DAYS = 800  # what an edition reads: two years and then some
REPEAT_TOLERANCE = 1e-4  # ±0.01 %
EXACT = 1e-6
CHANGE_TOLERANCE_PP = 0.05  # a snapshot's changes carry two decimals
RECORDED_MARKETS = ("US", "HK", "CN", "MACRO")
# Units of the macro quotes (everything else recorded is an index level or an ETF's price).
MACRO_UNITS: dict[str, Unit] = {"TNX": "percent", "USDCNH": "rate", "GOLD_FUT": "usd",
                                "WTI_FUT": "usd"}


@dataclass(frozen=True)
class Skipped:
    quote_id: str
    reason: str


def closes_to_record(snapshot: MarketSnapshot, history: History,
                     doubtful: Collection[str] = ()) -> tuple[tuple[SessionClose, ...],
                                                             tuple[Skipped, ...]]:
    """The closes of ``snapshot`` to append to the history, and each quote left out, why."""
    closes: list[SessionClose] = []
    skipped: list[Skipped] = []
    for quote in snapshot.quotes:
        day = quote.session
        if quote.market not in RECORDED_MARKETS or quote.close is None or quote.close <= 0 \
                or not isinstance(day, date) or isinstance(day, datetime):
            continue
        reason = _doubt(quote, day, history.get(quote.id), doubtful)
        if reason is not None:
            skipped.append(Skipped(quote.id, reason))
            continue
        closes.append(SessionClose(quote.id, day, quote.close,
                                   f"{quote.source or 'snapshot'} (edition)", _unit(quote)))
    return tuple(closes), tuple(skipped)


def _doubt(quote: Quote, day: date, series: Series | None,
           doubtful: Collection[str]) -> str | None:
    if quote.stale:
        return "marked stale"
    if quote.id in doubtful:
        return "stale or in conflict with the history"
    if series is None:
        return None
    assert quote.close is not None
    stored = series.close_on(day)
    if stored is not None:
        return "already in the history" if _same(stored, quote.close) else (
            f"the history already holds {stored:g} for {day.isoformat()}, and keeps it")
    earlier = series.before(day).closes[:-1]  # an unchanged close from the day before: fine
    for i, (when, value) in enumerate(earlier):
        if _repeats(quote, value, earlier[i - 1][1] if i > 0 else None):
            return f"equals the close of {when.isoformat()}"
    return None


def _repeats(quote: Quote, close: float, before: float | None) -> bool:
    """Whether the quote is an old session's bar: its close equal to that session's (±0.01 %)
    and its change that session's too (±0.05 pp); without a change, the close to a millionth.
    Closes alone repeat within ±0.01 % by chance (a year of an index has such pairs)."""
    assert quote.close is not None
    if quote.change_pct is None:
        return abs(close - quote.close) <= EXACT * max(close, quote.close)
    if not _same(close, quote.close) or before is None or before <= 0:
        return False
    return abs((close / before - 1.0) * 100.0 - quote.change_pct) <= CHANGE_TOLERANCE_PP


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= REPEAT_TOLERANCE * max(abs(a), abs(b))


def _unit(quote: Quote) -> Unit:
    if quote.market == "MACRO":
        return MACRO_UNITS.get(quote.id, "index")
    return "usd" if quote.kind == "etf" else "index"


def edition_ids(snapshot: MarketSnapshot, series: Collection[str]) -> frozenset[str]:
    """The series an edition of ``snapshot`` reads from the store: its quotes' (the
    cross-check, the day's closes to record) and ``series`` (the macro layer's, the supplies',
    every index's past for the base rates, with or without a quote today)."""
    return frozenset(q.id for q in snapshot.quotes) | frozenset(series)


def unreadable(why: str) -> History:
    """The history of an edition whose store could not be read: empty, the gap named (the
    analysis lists it in the warnings)."""
    log.warning("history store unreadable (%s); the edition is read without history", why)
    return History(gaps=(f"the history store could not be read ({why}); this edition is read "
                         "without history",))


class StoredHistory:
    """The history store as an edition's history (``services.report.editions.EditionHistory``);
    ``record`` false reads only (an edition of a given file must not write its quotes into the
    live history)."""

    def __init__(self, store: ClosesStore, record: bool = True,
                 lookback_days: int = LOOKBACK_DAYS,
                 read_timeout_s: float = READ_TIMEOUT_S,
                 series: Collection[str] | None = None) -> None:
        self._store = store
        self._series = series  # None: every series stored
        self._record = record
        self._lookback = timedelta(days=lookback_days)
        self._timeout = read_timeout_s

    async def read(self, snapshot: MarketSnapshot) -> History:
        since = snapshot.generated_at.date() - self._lookback
        try:
            async with asyncio.timeout(self._timeout):
                if self._series is None:
                    return await self._store.read_all(since)
                return await self._store.read(edition_ids(snapshot, self._series), since)
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            why = "no answer in time" if isinstance(exc, TimeoutError) else type(exc).__name__
            return unreadable(why)

    async def record(self, snapshot: MarketSnapshot, history: History,
                     doubtful: Collection[str] = ()) -> int:
        """Append the day's closes; how many were written (0 when reading only or on
        failure)."""
        if not self._record or history.gaps:
            return 0
        closes, skipped = closes_to_record(snapshot, history, doubtful)
        for left_out in skipped:
            log.info("history: %s not recorded (%s)", left_out.quote_id, left_out.reason)
        if not closes:
            return 0
        try:
            appended = await self._store.append(closes, snapshot.generated_at.date(),
                                                snapshot.generated_at)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("history: the day's closes were not recorded (%s)", type(exc).__name__)
            return 0
        return appended.written


@dataclass(frozen=True)
class FixedHistory:
    """A history given up front (the sample day's bundled year): read, never written."""

    history: History = EMPTY_HISTORY

    async def read(self, snapshot: MarketSnapshot) -> History:
        return self.history

    async def record(self, snapshot: MarketSnapshot, history: History,
                     doubtful: Collection[str] = ()) -> int:
        return 0
