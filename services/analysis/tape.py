"""The history read as returns, one ``Track`` per series, computed once per analysis.

A ``Tape`` is built from a ``History`` at the start of ``analyze`` and thrown away after it:
the returns, the trailing volatilities and the z of every past session are computed on first
use and kept for the rest of that analysis (the base rates read each past session's z).
Only price series (units ``index`` and ``usd``) have returns.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from services.analysis import stats
from services.models.history import PRICE_UNITS, History, Series

T = TypeVar("T")

VOL_WINDOW = 60  # returns behind a volatility
MIN_RETURNS = 40  # fewer give no z: the fixed thresholds stay


class Track:
    """One series' closes and returns, with the trailing volatility of each session."""

    def __init__(self, series: Series) -> None:
        self.series = series
        self.id = series.id
        self.source = series.source
        self.returns = stats.returns(series.closes)
        self.dates: tuple[date, ...] = tuple(day for day, _ in self.returns)
        self.values: tuple[float, ...] = tuple(value for _, value in self.returns)
        self._by_day = dict(self.returns)
        self._vols: list[float | None] | None = None

    def ret(self, day: date) -> float | None:
        """The return of the session ``day`` (None: not a session of the history)."""
        return self._by_day.get(day)

    def before(self, day: date, n: int = VOL_WINDOW) -> tuple[float, ...]:
        """The last ``n`` returns of sessions strictly before ``day``."""
        end = bisect.bisect_left(self.dates, day)
        return self.values[max(0, end - n):end]

    def since(self, start: date, day: date) -> tuple[float, ...]:
        """The returns of sessions on or after ``start`` and strictly before ``day``."""
        return self.values[bisect.bisect_left(self.dates, start):bisect.bisect_left(self.dates,
                                                                                     day)]

    def vol_before(self, day: date) -> float | None:
        """The standard deviation of the ``VOL_WINDOW`` returns before ``day``; None with
        fewer than ``MIN_RETURNS``."""
        if self._vols is None:
            self._vols = _trailing_vols(self.values)
        return self._vols[bisect.bisect_left(self.dates, day)]

    def z(self, day: date, change_pct: float | None = None) -> float | None:
        """The z of ``change_pct`` (by default the history's own return of ``day``)."""
        change = self.ret(day) if change_pct is None else change_pct
        vol = self.vol_before(day)
        if change is None or vol is None or vol <= 0:
            return None
        return change / vol

    def next_after(self, day: date) -> tuple[date, float] | None:
        """The first session strictly after ``day`` and its return."""
        at = bisect.bisect_right(self.dates, day)
        return self.returns[at] if at < len(self.returns) else None

    def session_dates(self) -> tuple[date, ...]:
        """Every session of the series, the first (which has no return) included."""
        return self.series.dates


def _trailing_vols(values: tuple[float, ...]) -> list[float | None]:
    """For each k in 0..len(values): the sample standard deviation of the ``VOL_WINDOW``
    values before index k (None with fewer than ``MIN_RETURNS``), in one pass."""
    vols: list[float | None] = []
    total = squares = 0.0
    for k in range(len(values) + 1):
        n = min(k, VOL_WINDOW)
        if n >= MIN_RETURNS:
            variance = max(0.0, (squares - total * total / n) / (n - 1))
            vols.append(math.sqrt(variance))
        else:
            vols.append(None)
        if k < len(values):
            total += values[k]
            squares += values[k] ** 2
            if k >= VOL_WINDOW:
                total -= values[k - VOL_WINDOW]
                squares -= values[k - VOL_WINDOW] ** 2
    return vols


class Tape:
    """The tracks of a history, by series id, built on first use."""

    def __init__(self, history: History) -> None:
        self.history = history
        self._tracks: dict[str, Track | None] = {}
        self._memo: dict[tuple[str, date], object] = {}

    def __bool__(self) -> bool:
        return bool(self.history)

    def track(self, series_id: str) -> Track | None:
        if series_id not in self._tracks:
            series = self.history.get(series_id)
            ok = series is not None and series.unit in PRICE_UNITS and len(series) >= 2
            self._tracks[series_id] = Track(series) if ok and series is not None else None
        return self._tracks[series_id]

    def memo(self, name: str, day: date, read: Callable[[], T]) -> T:
        """``read()`` once per (``name``, ``day``) for this tape (a day's chain state is asked
        by several conditions)."""
        key = (name, day)
        if key not in self._memo:
            self._memo[key] = read()
        return self._memo[key]  # type: ignore[return-value]


EMPTY_TAPE = Tape(History())
