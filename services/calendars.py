"""Trading calendars (exchange_calendars XNYS, XHKG, XSHG) seen from one instant.

``Calendars`` loads the exchange calendars once (slow: about half a second, so call
``Calendars.load`` in a thread and keep the instance); ``at(market, now)`` gives a cheap
``MarketCalendar`` view answering the questions a build asks: is a day a session, which session
precedes it, and which is the latest completed session. Outside a calendar's recorded range
(exchange_calendars records XSHG holidays only a year or so ahead) every answer is ``None``,
meaning "not known", and the build says so in a warning instead of guessing.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from exchange_calendars import ExchangeCalendar

EXCHANGES: dict[str, str] = {"US": "XNYS", "HK": "XHKG", "CN": "XSHG"}


@dataclass(frozen=True)
class MarketCalendar:
    """One market's calendar as seen at ``now`` (implements ``yahoo.SessionCalendar``)."""

    market: str
    exchange: str
    now: datetime
    calendar: ExchangeCalendar

    @property
    def first_day(self) -> date:
        return _day(self.calendar.first_session)

    @property
    def last_day(self) -> date:
        return _day(self.calendar.last_session)

    def known(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def is_session(self, day: date) -> bool | None:
        if not self.known(day):
            return None
        return bool(self.calendar.is_session(_ts(day)))

    def previous_session(self, day: date) -> date | None:
        before = day - timedelta(days=1)
        if not self.known(before):
            return None
        return _day(self.calendar.date_to_session(_ts(before), direction="previous"))

    def latest_completed(self) -> date | None:
        """The latest session whose close is at or before ``now``; None if not known."""
        local_day = self.now.astimezone(self.calendar.tz).date()
        if not self.known(local_day):
            return None
        session = self.calendar.date_to_session(_ts(local_day), direction="previous")
        if self.calendar.session_close(session).to_pydatetime() > self.now:
            previous = self.previous_session(_day(session))
            return previous
        return _day(session)

    def coverage_problem(self) -> str | None:
        """Why the calendar cannot answer at ``now``, or None when it can."""
        local_day = self.now.astimezone(self.calendar.tz).date()
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
