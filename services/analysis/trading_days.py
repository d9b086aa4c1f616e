"""When each equity market trades around the edition, from the snapshot's exchange calendars.

Pure: the sessions come with the snapshot (``MarketSnapshot.calendars``, written by the data
path from exchange_calendars), the hours from ``sessions.HOURS``. Without a calendar for a
market nothing is said about its holidays: its label stays "closed - last session …".

- A market whose own date at the edition's time is a weekday but not a session is **closed
  today** (a holiday); its next session is the first one after.
- A market that trades today after missing a weekday since its last session **reopens today**:
  its last session is older than the others', but it is not closed.
- A market shut today **absorbs** the US sessions that close between its last close and its
  next open (Hong Kong shut from Good Friday to Easter Tuesday takes in three of them).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.lists import format_list

from services.analysis import sessions
from services.i18n import N_, Translator, translator
from services.models.analysis import EquityMarket, MarketDay
from services.models.snapshot import MarketSnapshot

SATURDAY = 5


def _local_date(market: str, as_of: datetime) -> date:
    return as_of.astimezone(ZoneInfo(sessions.HOURS[market][0])).date()


def _weekdays_between(start: date, end: date) -> list[date]:
    """The weekdays strictly between ``start`` and ``end``."""
    days = []
    day = start + timedelta(days=1)
    while day < end:
        if day.weekday() < SATURDAY:
            days.append(day)
        day += timedelta(days=1)
    return days


def trading_days(snapshot: MarketSnapshot, as_of: datetime,
                 markets: Mapping[str, EquityMarket]) -> dict[str, MarketDay]:
    calendars = {c.market: tuple(sorted(c.sessions)) for c in snapshot.calendars}
    found: dict[str, MarketDay] = {}
    for market, listed in calendars.items():
        if not listed or market not in sessions.HOURS:
            continue
        today = _local_date(market, as_of)
        if not listed[0] <= today <= listed[-1]:
            continue  # the calendar does not reach the edition's day
        upcoming = [d for d in listed if sessions.session_close(market, d) > as_of]
        next_session = upcoming[0] if upcoming else None
        headline = markets[market].headline if market in markets else None
        last = headline.session if headline is not None else None
        closed_today = today.weekday() < SATURDAY and today not in listed
        missed = [d for d in _weekdays_between(last, today) if d not in listed] if last else []
        reopens = next_session == today and bool(missed)
        absorbs: tuple[date, ...] = ()
        us = calendars.get("US", ())
        if closed_today and market != "US" and last is not None and next_session is not None:
            opens = sessions.session_open(market, next_session)
            absorbs = tuple(d for d in us if d >= last
                            and sessions.session_close("US", d) > sessions.session_close(
                                market, last)
                            and sessions.session_close("US", d) <= opens)
        found[market] = MarketDay(market, today, last, next_session, closed_today, reopens,
                                  absorbs)
    return found


# Each market as the subject of a sentence (singular, so one wording fits every market).
NAMES: dict[str, str] = {"US": N_("the US market"), "HK": N_("Hong Kong"),
                         "CN": N_("the A-share market")}
COUNTS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def counted(n: int, tr: Translator | None = None) -> str:
    """``three US sessions`` (``3个美股交易日``)."""
    return _sessions(n, tr or translator("en"))


def _sessions(n: int, tr: Translator) -> str:
    """``three US sessions`` in English (a word for a small count), ``3个美股交易日``."""
    if tr.language == "en":
        return f"{COUNTS.get(n, str(n))} US session{'' if n == 1 else 's'}"
    return tr.ngettext("{n} US session", "{n} US sessions", n)


def listed_dates(days: tuple[date, ...], tr: Translator | None = None) -> str:
    """``2026-04-02, 2026-04-06, and 2026-04-07`` (``…和…`` in Chinese)."""
    tr = tr or translator("en")
    return format_list([d.isoformat() for d in days], locale=tr.locale)


def weekday(day: date, tr: Translator | None = None) -> str:
    tr = tr or translator("en")
    return format_date(day, "EEEE", locale=tr.locale)


def holiday_note(days: Mapping[str, MarketDay], tr: Translator | None = None) -> str | None:
    """What the calendars say about the edition's day, in ``tr``'s language: a market shut
    today until its next session (and the US sessions it will absorb), a market reopening
    today after a holiday."""
    tr = tr or translator("en")
    lines = []
    for market in ("HK", "CN", "US"):
        day = days.get(market)
        if day is None:
            continue
        name = tr.gettext(NAMES[market])
        if day.closed_today and day.next_session is not None:
            when = {"weekday": weekday(day.next_session, tr), "date": day.next_session.isoformat()}
            lines.append(_capital(
                tr.gettext("{market} is shut for a holiday until {weekday} {date}: its next "
                           "session will absorb {sessions} ({dates}).", market=name,
                           sessions=_sessions(len(day.absorbs), tr),
                           dates=listed_dates(day.absorbs, tr), **when)
                if day.absorbs else
                tr.gettext("{market} is shut for a holiday until {weekday} {date}.",
                           market=name, **when)))
        elif day.reopens_today and day.last_session is not None:
            lines.append(_capital(tr.gettext(
                "{market} reopens today ({date}) after a holiday: not closed, but its last "
                "session ({last}) is older than the US lead, so it is not compared with it.",
                market=name, date=day.today.isoformat(), last=day.last_session.isoformat())))
    return tr.pgettext("sentence separator", " ").join(lines) or None
