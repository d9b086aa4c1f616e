"""Sessions in true time order: which US session leads Hong Kong's, and who trades together."""

from datetime import UTC, date, datetime

import pytest

from services.analysis import sessions

# US sessions of March 2026 (Mon 16 to Fri 20, then Mon 23); no session on the 21st/22nd.
US = [date(2026, 3, d) for d in (16, 17, 18, 19, 20, 23, 24)]


@pytest.mark.parametrize(("hk_day", "lead"), [
    (date(2026, 3, 20), date(2026, 3, 19)),  # the sample day: US Thursday leads HK Friday
    (date(2026, 3, 23), date(2026, 3, 20)),  # HK Monday: the US Friday
    (date(2026, 3, 24), date(2026, 3, 23)),
    (date(2026, 3, 16), None),  # no earlier US session in the data
])
def test_the_us_session_that_leads_hk_closed_before_hk_opened(hk_day: date,
                                                             lead: date | None) -> None:
    assert sessions.leading_session("US", US, "HK", hk_day) == lead


def test_a_us_holiday_hands_hk_the_session_before_it() -> None:
    us = [date(2026, 3, 18), date(2026, 3, 20)]  # no US session on the 19th
    assert sessions.leading_session("US", us, "HK", date(2026, 3, 20)) == date(2026, 3, 18)


@pytest.mark.parametrize(("market", "day", "opens", "closes"), [
    ("US", date(2026, 3, 20), datetime(2026, 3, 20, 13, 30, tzinfo=UTC),
     datetime(2026, 3, 20, 20, 0, tzinfo=UTC)),  # daylight saving time in New York
    ("US", date(2026, 1, 15), datetime(2026, 1, 15, 14, 30, tzinfo=UTC),
     datetime(2026, 1, 15, 21, 0, tzinfo=UTC)),
    ("HK", date(2026, 3, 20), datetime(2026, 3, 20, 1, 30, tzinfo=UTC),
     datetime(2026, 3, 20, 8, 0, tzinfo=UTC)),
    ("CN", date(2026, 3, 20), datetime(2026, 3, 20, 1, 30, tzinfo=UTC),
     datetime(2026, 3, 20, 7, 0, tzinfo=UTC)),
    ("CRYPTO", date(2026, 3, 20), datetime(2026, 3, 20, 0, 0, tzinfo=UTC),
     datetime(2026, 3, 21, 0, 0, tzinfo=UTC)),
])
def test_session_hours(market: str, day: date, opens: datetime, closes: datetime) -> None:
    assert sessions.session_open(market, day) == opens
    assert sessions.session_close(market, day) == closes


@pytest.mark.parametrize(("a", "b", "together"), [
    ("HK", "CN", True), ("CN", "HK", True), ("US", "HK", False), ("US", "CN", False),
])
def test_hk_and_a_shares_trade_in_the_same_hours(a: str, b: str, together: bool) -> None:
    assert sessions.same_hours(a, b, date(2026, 3, 20)) is together


@pytest.mark.parametrize(("follower", "leads"), [("HK", True), ("CN", True)])
def test_todays_us_session_can_only_lead_asias_next(follower: str, leads: bool) -> None:
    assert sessions.leads_next("US", date(2026, 3, 20), follower) is leads
    assert not sessions.leads_next(follower, date(2026, 3, 20), "US")


@pytest.mark.parametrize(("as_of", "latest"), [
    (datetime(2026, 3, 21, 0, 30, tzinfo=UTC), date(2026, 3, 20)),
    (datetime(2026, 3, 20, 19, 59, tzinfo=UTC), date(2026, 3, 19)),  # before the close
    (datetime(2026, 3, 16, 12, 0, tzinfo=UTC), None),
])
def test_completed_session(as_of: datetime, latest: date | None) -> None:
    assert sessions.completed("US", US, as_of) == latest
