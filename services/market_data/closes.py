"""Which bars are closes: only a completed session's bar goes into the history.

A bar is a close when its session is over:

- in a market with a trading calendar (US, HK, CN), its day is not a non-session (a holiday bar)
  and is no later than the latest completed session at ``now``;
- elsewhere (futures, FX, rates, coins), its day is before today in the bar's own time zone:
  today's bar is still moving, whatever the answer says;
- and never the bar Yahoo marks as the session still trading (``ChartSeries.live``): the long
  ``^GSPC`` recording ends with such a bar, stamped 18:46 UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.market_data.providers.yahoo import ChartSeries, SessionCalendar

UTC_ZONE = ZoneInfo("UTC")


def is_closed(day: date, now: datetime, zone: tzinfo, calendar: SessionCalendar | None,
              live: date | None = None) -> bool:
    if live is not None and day >= live:
        return False
    if calendar is None:
        return day < now.astimezone(zone).date()
    if calendar.is_session(day) is False:
        return False
    latest = calendar.latest_completed()
    return latest is not None and day <= latest


def closed(bars: Iterable[tuple[date, float]], now: datetime, zone: tzinfo,
           calendar: SessionCalendar | None, live: date | None = None
           ) -> tuple[tuple[date, float], ...]:
    """The (day, close) pairs of completed sessions, oldest first."""
    return tuple(sorted((day, close) for day, close in bars
                        if is_closed(day, now, zone, calendar, live)))


def chart_closes(series: ChartSeries, payload: Any, now: datetime,
                 calendar: SessionCalendar | None) -> tuple[tuple[date, float], ...]:
    """The closes of completed sessions in one parsed Yahoo chart (``payload`` gives the
    exchange's time zone)."""
    return closed(((bar.session, bar.close) for bar in series.bars), now, chart_zone(payload),
                  calendar, series.live)


def chart_zone(payload: Any) -> tzinfo:
    """The exchange time zone a Yahoo chart dates its bars in (UTC when it names none)."""
    try:
        name = payload["chart"]["result"][0]["meta"]["exchangeTimezoneName"]
    except (KeyError, IndexError, TypeError):
        return UTC_ZONE
    if not isinstance(name, str) or not name:
        return UTC_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE
