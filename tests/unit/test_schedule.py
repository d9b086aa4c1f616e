"""/subscribe's arguments and the next push time, including a zone that changes clocks."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from services.delivery.schedule import (
    AREAS,
    Schedule,
    accepted_zones,
    canonical_zone,
    next_push,
    parse_schedule,
)
from services.errors import ScheduleInputError


@pytest.mark.parametrize(("args", "expected"), [
    ([], ("08:30", "Asia/Hong_Kong")),
    (["7:05"], ("07:05", "Asia/Hong_Kong")),
    (["europe/london"], ("08:30", "Europe/London")),
    (["UTC", "23:59"], ("23:59", "UTC")),
    (["00:00", "America/New_York"], ("00:00", "America/New_York")),
])
def test_parse(args: list[str], expected: tuple[str, str]) -> None:
    schedule = parse_schedule(args, "08:30", "Asia/Hong_Kong")
    assert (schedule.time_hhmm, schedule.tz) == expected


def test_every_problem_is_named_with_an_example() -> None:
    with pytest.raises(ScheduleInputError) as err:
        parse_schedule(["25:99", "Mars/Phobos"], "08:30", "UTC")
    assert "'25:99'" in str(err.value) and "'Mars/Phobos'" in str(err.value)
    assert str(err.value).endswith("Example: /subscribe 08:30 Asia/Hong_Kong")


def test_canonical_zone_rejects_paths() -> None:
    with pytest.raises(ValueError, match="not an accepted time zone"):
        canonical_zone("../../etc/passwd")


@pytest.mark.parametrize("name", ["localtime", "Factory", "posixrules", "EST5EDT", "GMT",
                                  "Etc/GMT+5", "US/Eastern", "Asia", "right/Asia/Tokyo",
                                  "posix/Europe/London", "z" * 4000])
def test_only_places_and_utc_are_zones(name: str) -> None:
    with pytest.raises(ScheduleInputError) as err:
        parse_schedule([name], "08:30", "UTC")
    text = str(err.value)
    assert "is not an accepted time zone: use an Area/City zone such as Europe/London" in text
    assert "or UTC" in text and len(text) < 300  # a 4,000-character value is not repeated


@pytest.mark.parametrize(("name", "canonical"), [
    ("utc", "UTC"), ("Etc/UTC", "UTC"), ("asia/hong_kong", "Asia/Hong_Kong"),
    ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("Asia/Calcutta", "Asia/Calcutta"),  # an old name, still a place
])
def test_places_in_any_case_and_utc_are_accepted(name: str, canonical: str) -> None:
    assert canonical_zone(name) == canonical


def test_every_accepted_zone_is_a_loadable_place() -> None:
    zones = accepted_zones()
    assert "UTC" in zones and "Europe/London" in zones and len(zones) > 300
    assert all(zone == "UTC" or zone.split("/")[0] in AREAS for zone in zones)
    for zone in zones:
        ZoneInfo(zone)


def test_next_push_is_later_today_or_tomorrow() -> None:
    hk = Schedule("08:30", "Asia/Hong_Kong")
    assert next_push(hk, datetime(2026, 3, 20, 0, 0, tzinfo=UTC)).isoformat() == \
        "2026-03-20T08:30:00+08:00"
    assert next_push(hk, datetime(2026, 3, 20, 0, 30, tzinfo=UTC)).isoformat() == \
        "2026-03-21T08:30:00+08:00"


def test_weekends_can_be_skipped() -> None:
    friday_evening = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    hk = Schedule("08:30", "Asia/Hong_Kong")
    assert next_push(hk, friday_evening, weekends=False).date().isoformat() == "2026-03-23"
    assert next_push(hk, friday_evening, weekends=True).date().isoformat() == "2026-03-21"


def test_dst_change_days() -> None:
    new_york = Schedule("02:30", "America/New_York")  # 2026-03-08 02:30 does not exist
    at = next_push(new_york, datetime(2026, 3, 8, 5, 0, tzinfo=UTC))
    assert at.isoformat() == "2026-03-08T03:30:00-04:00"  # an hour later, like the cron
    london = Schedule("08:30", "Europe/London")  # BST starts 2026-03-29
    before = next_push(london, datetime(2026, 3, 28, 0, 0, tzinfo=UTC))
    after = next_push(london, before)
    assert before.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert after.isoformat() == "2026-03-29T08:30:00+01:00"
