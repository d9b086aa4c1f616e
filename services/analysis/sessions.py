"""Sessions in true time order: which market's session closed before which one opened.

Each equity market trades its regular session in its own time zone (``HOURS``); a crypto
"day" is a UTC day. The session dates themselves come from the data (the history's dates and
the snapshot's sessions), which are the sessions that did trade: no calendar needs loading for
the report. Rules:

- **The US session that leads Hong Kong's session D** is the latest US session that closed
  before HK's session D opened (``leading_session``). New York closes at 16:00 ET, which is
  04:00 or 05:00 the next morning in Hong Kong, before HK opens at 09:30: the US session of
  D − 1 (or the Friday before a Monday) leads HK's D, never the US session of D itself.
- **Hong Kong and the A-shares** trade in the same hours (``same_hours``): neither leads.
- **Today's US session sets up Asia's next session**: its close is after every Asian close of
  the same date.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.i18n.text import fig, said

# Regular session hours, local time (lunch breaks do not change the order of sessions).
HOURS: dict[str, tuple[str, time, time]] = {
    "US": ("America/New_York", time(9, 30), time(16, 0)),
    "HK": ("Asia/Hong_Kong", time(9, 30), time(16, 0)),
    "CN": ("Asia/Shanghai", time(9, 30), time(15, 0)),
}
_ZONES = {market: ZoneInfo(zone) for market, (zone, _, _) in HOURS.items()}


def session_open(market: str, day: date) -> datetime:
    """When ``market``'s session of ``day`` opens (UTC); a crypto day opens at 00:00 UTC."""
    if market not in HOURS:
        return datetime.combine(day, time(0), UTC)
    _, opens, _ = HOURS[market]
    return datetime.combine(day, opens, _ZONES[market]).astimezone(UTC)


def session_close(market: str, day: date) -> datetime:
    """When ``market``'s session of ``day`` closes (UTC); a crypto day ends at 24:00 UTC."""
    if market not in HOURS:
        return datetime.combine(day + timedelta(days=1), time(0), UTC)
    _, _, closes = HOURS[market]
    return datetime.combine(day, closes, _ZONES[market]).astimezone(UTC)


def leading_session(leader: str, leader_sessions: Sequence[date], follower: str, day: date
                    ) -> date | None:
    """The latest of ``leader_sessions`` (sorted) that closed before ``follower``'s session of
    ``day`` opened; None when none of them did."""
    opens = session_open(follower, day)
    at = bisect.bisect_right(leader_sessions, day)
    while at > 0:
        at -= 1
        candidate = leader_sessions[at]
        if session_close(leader, candidate) <= opens:
            return candidate
    return None


def same_hours(a: str, b: str, day: date) -> bool:
    """Whether ``a``'s and ``b``'s sessions of ``day`` overlap in time (HK and the A-shares)."""
    return (session_open(a, day) < session_close(b, day)
            and session_open(b, day) < session_close(a, day))


def completed(market: str, sessions: Sequence[date], as_of: datetime) -> date | None:
    """The latest of ``sessions`` (sorted) whose close is at or before ``as_of``."""
    at = bisect.bisect_right(sessions, as_of.astimezone(UTC).date() + timedelta(days=1))
    while at > 0:
        at -= 1
        if session_close(market, sessions[at]) <= as_of:
            return sessions[at]
    return None


def leads_next(leader: str, day: date, follower: str) -> bool:
    """Whether ``leader``'s session of ``day`` closes after ``follower``'s session of the same
    date, so that it can only lead ``follower``'s next session (the US for Asia)."""
    return session_close(leader, day) > session_close(follower, day)


def utc_day_label(day: date) -> str:
    """The window of a crypto move read from daily UTC closes."""
    return said("UTC day {day}", day=fig("day", day))
