"""The format ``market-history/1``: daily closes per instrument, as frozen values.

    {"schema": "market-history/1",
     "series": {"SPX": {"source": "…", "unit": "index", "closes": [["2025-03-03", 5849.72], …]}}}

Ids are the snapshot's quote ids (``SPX``, ``HSI``, ``BTC``, …) or, for series no quote carries,
a name of their own (``USDT_SUPPLY``). Closes are oldest first, one per session date. Units:
``index`` (points), ``usd`` (a price or an amount in US dollars), ``percent`` (a yield such as
the 10-year's 4.39), ``rate`` (an exchange rate). Index and usd series are prices: every close
is positive. The values are the history's; the analysis reads them, never the clock.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Literal

HISTORY_SCHEMA_ID = "market-history/1"

Unit = Literal["index", "usd", "percent", "rate"]
UNITS: tuple[str, ...] = ("index", "usd", "percent", "rate")
PRICE_UNITS: tuple[str, ...] = ("index", "usd")


@dataclass(frozen=True)
class Series:
    """One instrument's daily closes, oldest first, one per date."""

    id: str
    source: str
    unit: Unit
    closes: tuple[tuple[date, float], ...]
    _dates: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_dates", tuple(day for day, _ in self.closes))

    def __len__(self) -> int:
        return len(self.closes)

    @property
    def dates(self) -> tuple[date, ...]:
        return self._dates

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(value for _, value in self.closes)

    @property
    def first(self) -> date | None:
        return self._dates[0] if self._dates else None

    @property
    def last(self) -> date | None:
        return self._dates[-1] if self._dates else None

    def close_on(self, day: date) -> float | None:
        """The close of ``day``, or None when the history has no such session."""
        at = bisect.bisect_left(self._dates, day)
        if at < len(self._dates) and self._dates[at] == day:
            return self.closes[at][1]
        return None

    def index_of(self, day: date) -> int | None:
        at = bisect.bisect_left(self._dates, day)
        if at < len(self._dates) and self._dates[at] == day:
            return at
        return None

    def upto(self, day: date) -> Series:
        """The closes on or before ``day`` (what was known at that session's close)."""
        return self._cut(bisect.bisect_right(self._dates, day))

    def before(self, day: date) -> Series:
        """The closes strictly before ``day``."""
        return self._cut(bisect.bisect_left(self._dates, day))

    def _cut(self, end: int) -> Series:
        if end == len(self.closes):
            return self
        return Series(self.id, self.source, self.unit, self.closes[:end])


@dataclass(frozen=True)
class History:
    """Series by id. Empty when no history was given. ``gaps`` says why a history that should
    be there is not (its store could not be read): the day is then read without it, and the
    gap is named in the warnings."""

    series: Mapping[str, Series] = field(default_factory=dict)
    gaps: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "series", MappingProxyType(dict(self.series)))

    def __bool__(self) -> bool:
        return bool(self.series)

    def __iter__(self) -> Iterator[Series]:
        return iter(self.series.values())

    def __len__(self) -> int:
        return len(self.series)

    def get(self, series_id: str) -> Series | None:
        return self.series.get(series_id)

    def merged(self, other: History) -> History:
        """This history with ``other``'s series added (``other`` wins on the same id)."""
        return History({**self.series, **other.series}, self.gaps + other.gaps)


EMPTY_HISTORY = History()
