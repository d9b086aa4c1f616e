"""A subscription's push time: parsing what a user typed, and the next push instant.

Platform-neutral: Telegram's ``/subscribe [HH:MM] [TZ]`` and Discord's slash command both parse
here, so both give the same helpful line for ``25:99 Mars/Phobos``.

A zone is a real place's IANA name, ``Area/City`` under one of the ten IANA areas
(``Europe/London``, ``America/Argentina/Buenos_Aires``), or ``UTC``. The tz database also holds
names that are no place (``localtime`` and ``posixrules`` are this machine's files, ``Factory``
is a placeholder, ``EST5EDT`` and ``Etc/GMT+5`` are POSIX rules, ``US/Eastern`` a legacy alias):
they are refused, with the line saying what is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from services.errors import Say, ScheduleInputError, Several
from services.i18n import N_
from services.input_limits import shown

EXAMPLE = "/subscribe 08:30 Asia/Hong_Kong"
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
AREAS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
         "Europe", "Indian", "Pacific")
UTC_NAMES = ("UTC", "Etc/UTC")
ACCEPTED_ZONES = N_("an Area/City zone such as Europe/London, America/New_York or "
                     "Asia/Hong_Kong, or UTC")


class ScheduleValueError(ValueError):
    """A time or zone that does not parse; ``say`` is the message for a user."""

    def __init__(self, say: Say) -> None:
        self.say = say
        super().__init__(str(say))


def parse_hhmm(value: str) -> time:
    """``"08:30"`` → ``time(8, 30)``; raises ``ValueError`` naming the problem."""
    match = _HHMM.match(value.strip())
    if not match:
        raise ScheduleValueError(Say("'{value}' is not a time of day as HH:MM (00:00 to 23:59)",
                                     {"value": shown(value)}))
    return time(int(match.group(1)), int(match.group(2)))


def is_place(name: str) -> bool:
    """``Area/City`` under an IANA area (the zones a user may choose), or UTC."""
    area, _, city = name.partition("/")
    return name in UTC_NAMES or (area in AREAS and bool(city))


@lru_cache(maxsize=1)
def accepted_zones() -> tuple[str, ...]:
    """Every zone a user may choose, sorted: the places of the tz database, and UTC."""
    return tuple(sorted({"UTC", *(name for name in available_timezones()
                                  if is_place(name) and name not in UTC_NAMES)}))


def parse_zone(value: str) -> ZoneInfo:
    """A zone a user typed (``asia/hong_kong`` is read as ``Asia/Hong_Kong``); raises
    ``ScheduleValueError`` (a ``ValueError``) saying which zones are accepted."""
    return ZoneInfo(canonical_zone(value))


@dataclass(frozen=True)
class Schedule:
    time_hhmm: str  # "08:30", zero-padded
    tz: str  # a canonical IANA name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


@lru_cache(maxsize=1)
def _zones_by_lower() -> dict[str, str]:
    names = {name.lower(): name for name in accepted_zones()}
    names.update({alias.lower(): "UTC" for alias in UTC_NAMES})
    return names


def canonical_zone(name: str) -> str:
    """``asia/hong_kong`` → ``Asia/Hong_Kong``; raises ``ScheduleValueError`` (a
    ``ValueError``) naming the problem. Only names from ``accepted_zones`` are looked up:
    nothing typed reaches the file system."""
    found = _zones_by_lower().get(name.strip().lower())
    if found is None:
        raise ScheduleValueError(Say("'{value}' is not an accepted time zone: use {zones}",
                                     {"value": shown(name), "zones": Say(ACCEPTED_ZONES)}))
    return found


def _looks_like_time(arg: str) -> bool:
    return ":" in arg or arg.replace(".", "").isdigit()


def parse_schedule(args: Sequence[str], default_time: str, default_tz: str) -> Schedule:
    """``[HH:MM] [TZ]`` (either may be left out, in either order); every problem is named at
    once, with an example, in a ``ScheduleInputError``."""
    if len(args) > 2:
        raise ScheduleInputError(Say("Too many values: give a time and a time zone at most. "
                                     "Example: {example}", {"example": EXAMPLE}))
    times = [a for a in args if _looks_like_time(a)]
    zones = [a for a in args if not _looks_like_time(a)]
    if len(times) > 1 or len(zones) > 1:
        raise ScheduleInputError(Say("Give one time and one time zone. Example: {example}",
                                     {"example": EXAMPLE}))
    problems: list[Say] = []
    clock = default_time
    tz = default_tz
    if times:
        try:
            clock = parse_hhmm(times[0]).strftime("%H:%M")
        except ScheduleValueError as err:
            problems.append(err.say)
    if zones:
        try:
            tz = canonical_zone(zones[0])
        except ScheduleValueError as err:
            problems.append(err.say)
    if problems:
        raise ScheduleInputError(Say("{problems}. Example: {example}",
                                     {"problems": Several(tuple(problems)),
                                      "example": EXAMPLE}))
    return Schedule(clock, tz)


def next_push(schedule: Schedule, now: datetime, weekends: bool = True) -> datetime:
    """The first push instant after ``now`` (aware), in the schedule's zone.

    A time inside a spring-forward gap is read with the offset before the change, so it lands
    an hour later, as the scheduler's cron trigger does.
    """
    zone = schedule.zone
    clock = parse_hhmm(schedule.time_hhmm)
    local_day: date = now.astimezone(zone).date()
    for offset in range(0, 9):
        day = local_day + timedelta(days=offset)
        if not weekends and day.weekday() >= 5:
            continue
        at = datetime.combine(day, clock, tzinfo=zone).astimezone(UTC).astimezone(zone)
        if at > now:
            return at
    raise AssertionError("unreachable: a week always has a push day")
