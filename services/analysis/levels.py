"""Levels and trend from the history: the 52-week high and low, the distance from each, the
50- and 200-session moving averages and the streak (``Levels``).

Rules:

- **52 weeks** are the closes of the 365 days up to and including the session; the session's
  close is the quote's (else the history's). A history starting inside those 52 weeks gives
  the high and low since its start (``full_year`` False) and says so.
- **From the high**: close / high − 1 (≤ 0, the drawdown from the 52-week high); from the low:
  close / low − 1 (≥ 0).
- **Moving averages**: the simple mean of the last 50 (200) closes including the session's;
  None with fewer closes.
- **Streak**: sessions in a row that closed in the same direction, ending at the session
  (−5: five down in a row).
"""

from __future__ import annotations

from datetime import date, timedelta

from services.models.analysis import Levels
from services.models.history import Series

YEAR = timedelta(days=365)
FULL_YEAR_SLACK = timedelta(days=7)  # a history starting within a week of the 52 weeks is full
MIN_CLOSES = 20  # fewer closes make no high or low worth naming
MA_SHORT, MA_LONG = 50, 200


def closes_to(series: Series, day: date, close: float | None) -> tuple[tuple[date, float], ...]:
    """The history's closes up to ``day``, the session's own close last."""
    earlier = series.before(day).closes
    own = close if close is not None else series.close_on(day)
    return (*earlier, (day, own)) if own is not None else earlier


def streak(closes: tuple[tuple[date, float], ...]) -> int:
    values = [c for _, c in closes]
    if len(values) < 2 or values[-1] == values[-2]:
        return 0
    up = values[-1] > values[-2]
    count = 0
    for before, after in zip(reversed(values[:-1]), reversed(values[1:]), strict=True):
        if (after > before) != up or after == before:
            break
        count += 1
    return count if up else -count


def moving_average(closes: tuple[tuple[date, float], ...], n: int) -> float | None:
    if len(closes) < n:
        return None
    return sum(c for _, c in closes[-n:]) / n


def levels(series: Series, day: date, close: float | None = None) -> Levels | None:
    """``series`` read at the session ``day`` (its close ``close`` when the quote gives it)."""
    every = closes_to(series, day, close)
    if not every or every[-1][0] != day:
        return None
    start = day - YEAR
    year = tuple((d, c) for d, c in every if d > start)
    if len(year) < MIN_CLOSES:
        return None
    high_on, high = max(year, key=lambda item: item[1])
    low_on, low = min(year, key=lambda item: item[1])
    now = every[-1][1]
    return Levels(
        id=series.id, session=day, close=now, high=high, high_on=high_on, low=low,
        low_on=low_on, from_high_pct=(now / high - 1) * 100, from_low_pct=(now / low - 1) * 100,
        ma50=moving_average(every, MA_SHORT), ma200=moving_average(every, MA_LONG),
        streak=streak(every), n=len(year), since=year[0][0],
        full_year=year[0][0] <= start + FULL_YEAR_SLACK, source=series.source)
