"""The year of closes a live build fetched, kept in the history store.

Every Yahoo answer of a build carries a year of daily bars (``BuildResult.history``: closed
sessions only, the bar of a session still trading left out by the build). ``BuildRecorder``
stores them, so that the first live edition is read against a year of history without a
``history backfill``, and a day the bot missed is filled by the next build.

What is recorded (``closes_of_build``, pure): every close of each series *before its quote's own
session*. The quote's session is the edition's to record (``services.report.history``): it is
recorded only after the cross-check and the repeat guard have read it, so a primary serving an
old close as today's bar never enters the history through the build either.

A stored close is never replaced (``ClosesStore.add_missing``): a backfill, an import or an
earlier edition may have written it. A fetched close that differs from the stored one by more
than ``SAME_CLOSE`` (±0.01 %) is a conflict: the stored close is kept and the conflict is logged
as one warning per series, naming the first session, both values and the stored source. Each
session is settled once per process (stored, found equal, or warned about), so a long-running
bot neither re-reads the store for the same year at every build nor repeats a warning; only
the sessions a build brings that are not settled yet are read and written.

Recording is best effort: a store that fails or does not answer within ``RECORD_TIMEOUT_S`` is
logged and the snapshot is served as it is.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from services.market_data.build import BuildResult
from services.market_data.providers import yahoo
from services.models.history import History, Series
from services.models.snapshot import MarketSnapshot
from services.storage.closes import ClosesStore, SessionClose

log = logging.getLogger(__name__)

SAME_CLOSE = 1e-4  # ±0.01 %: the cross-check's tolerance for "the same close"
RECORD_TIMEOUT_S = 10.0


def source_label(series: Series) -> str:
    """How a build's series names its source in the store: as ``history backfill`` names the
    same answer ("yahoo ^GSPC daily close")."""
    symbol = yahoo.SYMBOLS.get(series.id) if series.source == yahoo.SOURCE else None
    return f"{series.source} {symbol} daily close" if symbol else series.source


def closes_of_build(snapshot: MarketSnapshot, history: History) -> tuple[SessionClose, ...]:
    """Every close of ``history`` before the session of its quote in ``snapshot`` (a series
    whose quote is absent, or has no session date, gives nothing)."""
    closes: list[SessionClose] = []
    for series in history:
        quote = snapshot.quote(series.id)
        session = quote.session_date if quote is not None else None
        if session is None:
            continue
        label = source_label(series)
        closes.extend(SessionClose(series.id, day, value, label, series.unit)
                      for day, value in series.before(session).closes)
    return tuple(closes)


@dataclass(frozen=True)
class Conflict:
    """A fetched close that differs from the stored one (the stored one is kept)."""

    instrument_id: str
    session: date
    stored: float
    stored_source: str
    fetched: float


@dataclass(frozen=True)
class Recorded:
    written: int  # closes of sessions the store did not hold
    conflicts: tuple[Conflict, ...]  # newly found this build (each warned about once)


NOTHING = Recorded(0, ())


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_CLOSE * max(abs(a), abs(b))


class BuildRecorder:
    """Stores the closes of each live build (``SnapshotCache`` calls ``record``)."""

    def __init__(self, store: ClosesStore, timeout_s: float = RECORD_TIMEOUT_S) -> None:
        self._store = store
        self._timeout = timeout_s
        self._settled: dict[str, set[date]] = {}  # sessions handled, by series

    async def record(self, result: BuildResult) -> Recorded:
        """Store the build's closes the store does not hold yet; never raises."""
        snapshot = result.snapshot
        try:
            async with asyncio.timeout(self._timeout):
                return await self._record(snapshot, closes_of_build(snapshot, result.history))
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            why = "no answer in time" if isinstance(exc, TimeoutError) else type(exc).__name__
            log.warning("history: the build's closes were not recorded (%s); the next build "
                        "tries again", why)
            return NOTHING

    async def _record(self, snapshot: MarketSnapshot, closes: Iterable[SessionClose]
                      ) -> Recorded:
        fresh = [c for c in closes
                 if c.session not in self._settled.get(c.instrument_id, ())]
        if not fresh:
            return NOTHING
        stored = await self._store.read({c.instrument_id for c in fresh},
                                        since=min(c.session for c in fresh))
        new: list[SessionClose] = []
        conflicts: list[Conflict] = []
        for close in fresh:
            series = stored.get(close.instrument_id)
            held = series.close_on(close.session) if series is not None else None
            if held is None:
                new.append(close)
            elif not _same(held, close.close):
                assert series is not None
                conflicts.append(Conflict(close.instrument_id, close.session, held,
                                          series.source, close.close))
        at = snapshot.generated_at
        if new:
            await self._store.add_missing(new, at.date(), at)
        for close in fresh:
            self._settled.setdefault(close.instrument_id, set()).add(close.session)
        _warn(conflicts)
        if new:
            log.info("history: %d closes of %d series recorded from the build", len(new),
                     len({c.instrument_id for c in new}))
        return Recorded(len(new), tuple(conflicts))


def _warn(conflicts: list[Conflict]) -> None:
    """One warning per series: how many sessions differ, and the first of them."""
    by_id: dict[str, list[Conflict]] = {}
    for conflict in conflicts:
        by_id.setdefault(conflict.instrument_id, []).append(conflict)
    for instrument_id, found in sorted(by_id.items()):
        first = min(found, key=lambda c: c.session)
        more = f" (and {len(found) - 1} more sessions)" if len(found) > 1 else ""
        log.warning("history: %s %s fetched %s, the store holds %s (%s); the stored close is "
                    "kept%s", instrument_id, first.session.isoformat(), f"{first.fetched:g}",
                    f"{first.stored:g}", first.stored_source, more)
