"""Trading calendars (exchange_calendars XNYS, XHKG, XSHG) seen from one instant.

``Calendars`` loads the exchange calendars once (slow: about half a second, so call
``Calendars.load`` in a thread and keep the instance); ``at(market, now)`` gives a cheap
``MarketCalendar`` view answering the questions a build asks: is a day a session, which session
precedes it, and which is the latest completed session. Outside a calendar's recorded range
(exchange_calendars records XSHG holidays only a year or so ahead) every answer is ``None``,
meaning "not known", and the build says so in a warning instead of guessing.
"""

from __future__ import annotations

import bisect
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from exchange_calendars import ExchangeCalendar

EXCHANGES: dict[str, str] = {"US": "XNYS", "HK": "XHKG", "CN": "XSHG"}
WINDOW_DAYS = 60  # a Yahoo range of one month, and then some


@dataclass(frozen=True)
class MarketCalendar:
    """One market's calendar as seen at ``now`` (implements ``yahoo.SessionCalendar``)."""

    market: str
    exchange: str
    now: datetime
    calendar: ExchangeCalendar

    @cached_property
    def first_day(self) -> date:
        return _day(self.calendar.first_session)

    @cached_property
    def last_day(self) -> date:
        return _day(self.calendar.last_session)

    @cached_property
    def local_day(self) -> date:
        return self.now.astimezone(self.calendar.tz).date()

    @cached_property
    def _window(self) -> tuple[date, date, tuple[date, ...]]:
        """The sessions of the weeks around ``now``, read from the calendar once (pandas calls
        are slow and a build asks about the same few days many times)."""
        start = max(self.first_day, self.local_day - timedelta(days=WINDOW_DAYS))
        end = min(self.last_day, self.local_day + timedelta(days=7))
        if start > end:
            return start, end, ()
        sessions = self.calendar.sessions_in_range(_ts(start), _ts(end))
        return start, end, tuple(_day(s) for s in sessions)

    def known(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def is_session(self, day: date) -> bool | None:
        if not self.known(day):
            return None
        start, end, sessions = self._window
        if start <= day <= end:
            return day in sessions
        return bool(self.calendar.is_session(_ts(day)))

    def previous_session(self, day: date) -> date | None:
        """The latest session strictly before ``day``."""
        before = day - timedelta(days=1)
        if not self.known(before):
            return None
        start, end, sessions = self._window
        index = bisect.bisect_right(sessions, before)
        if start <= before <= end and index > 0:
            return sessions[index - 1]
        return _day(self.calendar.date_to_session(_ts(before), direction="previous"))

    def latest_completed(self) -> date | None:
        """The latest session whose close is at or before ``now``; None if not known."""
        return self._latest

    @cached_property
    def _latest(self) -> date | None:
        if not self.known(self.local_day):
            return None
        session = self.calendar.date_to_session(_ts(self.local_day), direction="previous")
        if self.calendar.session_close(session).to_pydatetime() > self.now:
            return self.previous_session(_day(session))
        return _day(session)

    def coverage_problem(self) -> str | None:
        """Why the calendar cannot answer at ``now``, or None when it can."""
        local_day = self.local_day
        if local_day > self.last_day:
            return (f"{self.exchange} calendar has no sessions recorded after "
                    f"{self.last_day.isoformat()}; {self.market} session checks skipped")
        if local_day < self.first_day:
            return (f"{self.exchange} calendar starts on {self.first_day.isoformat()}; "
                    f"{self.market} session checks skipped")
        return None


class Calendars:
    """The three exchange calendars, loaded once."""

    def __init__(self, calendars: dict[str, ExchangeCalendar]) -> None:
        self._calendars = calendars

    @classmethod
    def load(cls) -> Calendars:
        import exchange_calendars  # slow import (pandas): only on the live path

        with warnings.catch_warnings():
            # exchange_calendars 4.x still calls pandas APIs that pandas deprecates.
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            return cls({market: exchange_calendars.get_calendar(code)
                        for market, code in EXCHANGES.items()})

    def at(self, market: str, now: datetime) -> MarketCalendar | None:
        calendar = self._calendars.get(market)
        if calendar is None:
            return None
        return MarketCalendar(market, EXCHANGES[market], now, calendar)


def _ts(day: date) -> Any:
    import pandas as pd

    return pd.Timestamp(day)


def _day(value: Any) -> date:
    return value.date() if hasattr(value, "date") else value
