"""``Analysis.evidence`` filled from a history, for chart and renderer tests.

The analysis computes evidence itself (``services.analysis``); this small stand-in reads the
same definitions so that the charts can be tested and looked at with real history: a move's z
is its change over the sample standard deviation of the 60 daily returns before its session
(none with fewer than 40), its percentile ranks it among the returns of the 365 days before
(0 = the worst), and ``recent`` is the last 60 closes up to and including the session, the
session's own close being the move's close (else the history's, else the prior close moved by
the change).
"""

from __future__ import annotations

import dataclasses
import itertools
import statistics
from datetime import date, timedelta

from services.history_io import load_sample_history
from services.models.analysis import Analysis, Evidence, Move
from services.models.history import History, Series

WINDOW = 60
MIN_RETURNS = 40
YEAR = timedelta(days=365)


def moves_of(analysis: Analysis) -> list[Move]:
    crypto = analysis.crypto
    coins = [m for m in (crypto.btc, crypto.eth) if m is not None]
    return [*analysis.us.moves, *analysis.hk.moves, *analysis.cn.moves, *coins, *crypto.others]


def _returns(closes: tuple[tuple[date, float], ...]) -> list[tuple[date, float]]:
    return [(day, (after / before - 1) * 100)
            for (_, before), (day, after) in itertools.pairwise(closes) if before]


def read(move: Move, series: Series) -> Evidence | None:
    day = move.session
    if day is None:
        return None
    before = series.before(day).closes
    if not before:
        return None
    returns = _returns(before)
    window = [r for _, r in returns[-WINDOW:]]
    vol = statistics.stdev(window) if len(window) >= 2 else None
    z = (move.change_pct / vol if move.change_pct is not None and vol and
         len(window) >= MIN_RETURNS else None)
    year = [r for d, r in returns if d >= day - YEAR]
    percentile = None
    if move.change_pct is not None and len(year) >= MIN_RETURNS:
        below = sum(1 for r in year if r < move.change_pct)
        equal = sum(1 for r in year if r == move.change_pct)
        percentile = 100 * (below + equal / 2) / len(year)
    close = move.close if move.close is not None else series.close_on(day)
    if close is None and move.change_pct is not None:
        close = before[-1][1] * (1 + move.change_pct / 100)
    recent = (*before[-(WINDOW - 1):], (day, close)) if close is not None else before[-WINDOW:]
    return Evidence(id=move.id, session=day, change_pct=move.change_pct, z=z, vol_pct=vol,
                    n=len(window), percentile=percentile, n_year=len(year), recent=recent,
                    source=series.source)


def with_evidence(analysis: Analysis, history: History | None = None) -> Analysis:
    """``analysis`` with ``evidence`` for every move the history has a series for (by
    default the bundled history of the sample day)."""
    history = load_sample_history() if history is None else history
    found = {}
    for move in moves_of(analysis):
        series = history.get(move.id)
        evidence = read(move, series) if series is not None else None
        if evidence is not None:
            found[move.id] = evidence
    return dataclasses.replace(analysis, evidence=found)
