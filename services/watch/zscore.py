"""A move against the instrument's own history: ``z`` is the session's change over the standard
deviation of the daily changes in the trailing ``LOOKBACK`` sessions before it (both in
percent), as ``models.analysis.Evidence`` defines it for the report. Pure.

Fewer than ``MIN_RETURNS`` changes give no z: the history is too short to say what is usual;
nor does a history whose last close is more than ``MAX_GAP_DAYS`` before the session (it
stopped long ago: its volatility is not the trailing one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from services.models.history import PRICE_UNITS, Series

LOOKBACK = 60
MIN_RETURNS = 20
MAX_GAP_DAYS = 10


@dataclass(frozen=True)
class ZScore:
    z: float
    vol_pct: float  # the standard deviation of daily changes, in percent
    n: int  # the daily changes behind it


def daily_changes(closes: tuple[float, ...]) -> list[float]:
    return [(b / a - 1.0) * 100.0 for a, b in pairwise(closes) if a > 0]


def z_score(series: Series | None, session: date | None, change_pct: float | None,
            lookback: int = LOOKBACK, min_returns: int = MIN_RETURNS) -> ZScore | None:
    """``change_pct`` (the move of ``session``) against the history before ``session``."""
    if series is None or session is None or change_pct is None or series.unit not in PRICE_UNITS:
        return None
    earlier = series.before(session)
    if earlier.last is None or (session - earlier.last).days > MAX_GAP_DAYS:
        return None
    closes = earlier.values[-(lookback + 1):]
    changes = daily_changes(closes)
    if len(changes) < min_returns:
        return None
    mean = sum(changes) / len(changes)
    variance = sum((c - mean) ** 2 for c in changes) / (len(changes) - 1)
    vol = math.sqrt(variance)
    if vol <= 0:
        return None
    return ZScore(change_pct / vol, vol, len(changes))
