"""Trading calendars (exchange_calendars XNYS, XHKG, XSHG) seen from one instant.

``Calendars`` loads the exchange calendars once (slow: about half a second, so call
``Calendars.load`` in a thread and keep the instance); ``at(market, now)`` gives a cheap
``MarketCalendar`` view answering the questions a build asks: is a day a session, which session
precedes it, and which is the latest completed session.

exchange_calendars records holidays only so far ahead (4.13 has XSHG holidays to 2026-12-31
only). When a market's calendar has no holidays for the current year, ``at`` gives an
``InferredSessions`` view instead: it knows only weekends and the daily close time, and the build
infers the sessions from the data (the bars' dates and Eastmoney's update time ``f124``), and
says so once in the warnings and the source statuses.
"""

from __future__ import annotations

import bisect
import warnings
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from exchange_calendars import ExchangeCalendar

EXCHANGES: dict[str, str] = {"US": "XNYS", "HK": "XHKG", "CN": "XSHG"}
WINDOW_DAYS = 400  # a Yahoo range of one year (a build's), and then some
# Each market's regular close, local time (for sessions inferred from the data).
CLOSES: dict[str, tuple[str, time]] = {"US": ("America/New_York", time(16, 0)),
                                       "HK": ("Asia/Hong_Kong", time(16, 0)),
                                       "CN": ("Asia/Shanghai", time(15, 0))}
# What the sessions are inferred from, per market.
EVIDENCE: dict[str, str] = {"CN": "the bars' dates and Eastmoney's update time f124"}
SATURDAY = 5


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
        """The sessions of the year or so before ``now``, read from the calendar once (pandas
        calls are slow, and a build asks about every bar of a year of daily bars)."""
        start = max(self.first_day, self.local_day - timedelta(days=WINDOW_DAYS))
        end = min(self.last_day, self.local_day + timedelta(days=7))
        if start > end:
            return start, end, ()
        sessions = self.calendar.sessions_in_range(_ts(start), _ts(end))
        return start, end, tuple(sessions.date)  # a build makes this view: keep it quick

    @cached_property
    def _in_window(self) -> frozenset[date]:
        return frozenset(self._window[2])

    def sessions_near(self, before_days: int = 14, after_days: int = 7) -> tuple[date, ...]:
        """The sessions from ``before_days`` before the local day to ``after_days`` after it
        (what a snapshot carries, so the report can say when a market trades next)."""
        _, _, sessions = self._window
        low = self.local_day - timedelta(days=before_days)
        high = self.local_day + timedelta(days=after_days)
        return tuple(day for day in sessions if low <= day <= high)

    def known(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def is_session(self, day: date) -> bool | None:
        if not self.known(day):
            return None
        start, end, _ = self._window
        if start <= day <= end:
            return day in self._in_window
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

    def holidays_known(self) -> bool:
        """Whether the calendar records any holiday in the current (local) year: a year with
        none is a year past the calendar's data, not a year without holidays."""
        return self._holidays_known

    @cached_property
    def _holidays_known(self) -> bool:
        local_day = self.local_day
        if not self.known(local_day):
            return local_day < self.first_day  # before the calendar: coverage_problem says so
        start = max(self.first_day, date(local_day.year, 1, 1))
        end = min(self.last_day, date(local_day.year, 12, 31))
        weekdays = _weekdays(start, end)
        sessions = len(self.calendar.sessions_in_range(_ts(start), _ts(end)))
        return sessions < weekdays

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


@dataclass(frozen=True)
class InferredSessions:
    """A market whose calendar has no holidays for the current year: weekends are not sessions,
    a weekday may be one (``None``: not known), and the latest completed session is at most the
    latest weekday whose close has passed. The data says which sessions there were."""

    market: str
    exchange: str
    now: datetime
    zone: tzinfo
    close: time

    @property
    def local_day(self) -> date:
        return self.now.astimezone(self.zone).date()

    def is_session(self, day: date) -> bool | None:
        return False if day.weekday() >= SATURDAY else None

    def previous_session(self, day: date) -> date | None:
        return None

    def latest_completed(self) -> date | None:
        """The latest weekday whose close has passed: no session of the data can be later."""
        day = self.local_day
        if self.now.astimezone(self.zone).time() < self.close:
            day -= timedelta(days=1)
        while day.weekday() >= SATURDAY:
            day -= timedelta(days=1)
        return day

    def note(self) -> str:
        evidence = EVIDENCE.get(self.market, "the bars' dates")
        return (f"{self.exchange} calendar has no holidays recorded for {self.local_day.year}: "
                f"{self.market} sessions are inferred from the data ({evidence})")


@dataclass(frozen=True)
class Weekdays:
    """Bars of instruments that trade round the clock on weekdays (futures, FX, the dollar
    index): a weekend day is no session; any weekday may be one, and which sessions have
    completed is not known here: every day before today, in the exchange's time zone, has
    (``yahoo.closed_bars``), and the bar Yahoo marks live is not a close."""

    def is_session(self, day: date) -> bool | None:
        return False if day.weekday() >= SATURDAY else None

    def previous_session(self, day: date) -> date | None:
        return None

    def latest_completed(self) -> date | None:
        return None


CalendarView = MarketCalendar | InferredSessions


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

    def sessions(self, market: str, start: date, end: date) -> tuple[date, ...]:
        """The sessions of ``market`` from ``start`` to ``end`` (both included) that the
        calendar records; empty for a market it does not know."""
        calendar = self._calendars.get(market)
        if calendar is None:
            return ()
        first, last = max(start, _day(calendar.first_session)), min(end, _day(
            calendar.last_session))
        if first > last:
            return ()
        return tuple(_day(s) for s in calendar.sessions_in_range(_ts(first), _ts(last)))

    def at(self, market: str, now: datetime) -> CalendarView | None:
        calendar = self._calendars.get(market)
        if calendar is None:
            return None
        view = MarketCalendar(market, EXCHANGES[market], now, calendar)
        if view.holidays_known():
            return view
        zone, close = CLOSES[market]
        return InferredSessions(market, view.exchange, now, ZoneInfo(zone), close)


def _weekdays(start: date, end: date) -> int:
    """Monday to Friday from ``start`` to ``end``, both included."""
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    return weeks * 5 + sum(1 for n in range(rest)
                           if (start.weekday() + n) % 7 < SATURDAY)


def _ts(day: date) -> Any:
    import pandas as pd

    return pd.Timestamp(day)


def _day(value: Any) -> date:
    return value.date() if hasattr(value, "date") else value
