"""Each move in its own units: its z and its rank over the last year (``Evidence``).

Rules (``rules.STRONG_Z``, ``tape.VOL_WINDOW``, ``tape.MIN_RETURNS``):

- **z** = the session's change (the snapshot's ``change_pct``) over the sample standard
  deviation of the instrument's ``VOL_WINDOW`` (60) daily returns before the session. With
  fewer than ``MIN_RETURNS`` (40) returns, or a history that stopped more than
  ``MAX_GAP_DAYS`` before the session, there is no z and the fixed thresholds stay.
- **percentile** ranks the change among the returns of the 365 days before the session (0 =
  below every one); ``worst_rank`` 16 of ``n_year`` 251 reads "the 16th-worst day of the
  year". The session's own return is not among them.
- **session**: an equity quote's own; a quote without one, and a coin (whose quote is stamped
  with the end of its rolling 24 h) as the last complete UTC day before the edition; an
  equity quote without a session as the latest session of the history closed by then.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from services.analysis import sessions, stats
from services.analysis.tape import MIN_RETURNS, VOL_WINDOW, Tape, Track
from services.models.analysis import Evidence, Move

YEAR = timedelta(days=365)
MAX_GAP_DAYS = 10


def session_of(move: Move, track: Track, as_of: datetime) -> date | None:
    """An equity quote's own session; a coin's latest UTC day completed by the edition (its
    quote is stamped with the end of a rolling 24 h, not with a day)."""
    if move.market == "CRYPTO":
        return as_of.astimezone(UTC).date() - timedelta(days=1)
    if move.session is not None:
        return move.session
    return sessions.completed(move.market, track.session_dates(), as_of)


def close_of(move: Move, track: Track, day: date) -> float | None:
    """The session's close: the quote's, else the history's, else the close before moved by
    the change."""
    if move.close is not None:
        return move.close
    close = track.series.close_on(day)
    if close is not None:
        return close
    before = track.series.before(day).closes
    if before and move.change_pct is not None:
        return before[-1][1] * (1 + move.change_pct / 100)
    return None


def move_evidence(move: Move, track: Track, as_of: datetime) -> Evidence | None:
    day = session_of(move, track, as_of)
    if day is None:
        return None
    earlier = track.series.before(day)
    if earlier.last is None:
        return None
    current = (day - earlier.last).days <= MAX_GAP_DAYS
    window = track.before(day, VOL_WINDOW)
    vol = stats.stdev(window)
    change = move.change_pct
    z = (change / vol if change is not None and vol and current and len(window) >= MIN_RETURNS
         else None)
    year = track.since(day - YEAR, day)
    percentile = worst = best = None
    if change is not None and current and len(year) >= MIN_RETURNS:
        percentile = stats.percentile(change, year)
        worst, best = stats.worst_rank(change, year), stats.best_rank(change, year)
    close = close_of(move, track, day)
    recent = (*earlier.closes[-(VOL_WINDOW - 1):], (day, close)) if close is not None \
        else earlier.closes[-VOL_WINDOW:]
    return Evidence(id=move.id, session=day, change_pct=change, z=z, vol_pct=vol,
                    n=len(window), percentile=percentile, n_year=len(year), recent=recent,
                    source=track.source, worst_rank=worst, best_rank=best)


def evidence_for(moves: Iterable[Move], tape: Tape, as_of: datetime) -> dict[str, Evidence]:
    """Evidence for every move whose instrument the history has (by quote id)."""
    found: dict[str, Evidence] = {}
    for move in moves:
        track = tape.track(move.id)
        if track is None:
            continue
        evidence = move_evidence(move, track, as_of)
        if evidence is not None:
            found[move.id] = evidence
    return found
