"""Trading calendars: a HK holiday, a weekend, a US half day, and the year XSHG runs out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from services.market_data.build import MarketData
from services.market_data.calendars import Calendars, InferredSessions, MarketCalendar
from services.market_data.transport import open_clients
from services.models.snapshot import MarketSnapshot
from services.renderers import markdown
from services.report.pipeline import report_from_snapshot
from tests.integration.conftest import settings_for
from tests.support.odd_days import HOLIDAY_SESSIONS
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World, dated

HK = ZoneInfo("Asia/Hong_Kong")
NY = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def d(text: str) -> date:
    return date.fromisoformat(text)


async def build_in(world: World, calendars: Calendars) -> MarketSnapshot:
    async with FakeUpstream(world.handler) as upstream:
        settings: Settings = settings_for(upstream.url)
        async with open_clients(settings.provider_timeout_s) as clients:
            return await MarketData(clients, settings, clock=lambda: world.now,
                                    calendars=calendars).build()


# --- the calendar views themselves

def test_hk_holiday(calendars: Calendars) -> None:
    evening = datetime(2026, 7, 1, 20, 0, tzinfo=HK)  # HKSAR Establishment Day
    hk, cn, us = (calendars.at(m, evening) for m in ("HK", "CN", "US"))
    assert hk is not None and cn is not None and us is not None
    assert hk.is_session(d("2026-07-01")) is False
    assert hk.latest_completed() == d("2026-06-30")
    assert cn.latest_completed() == d("2026-07-01")  # Shanghai traded
    assert us.latest_completed() == d("2026-06-30")  # New York has not opened yet
    assert hk.previous_session(d("2026-07-02")) == d("2026-06-30")


def test_weekend(calendars: Calendars) -> None:
    saturday = datetime(2026, 11, 21, 10, 0, tzinfo=HK)
    for market in ("US", "HK", "CN"):
        view = calendars.at(market, saturday)
        assert view is not None
        assert view.is_session(d("2026-11-21")) is False
        assert view.latest_completed() == d("2026-11-20")
        assert view.previous_session(d("2026-11-23")) == d("2026-11-20")


def test_us_half_day(calendars: Calendars) -> None:
    # The day after Thanksgiving closes at 13:00 in New York.
    before = calendars.at("US", datetime(2026, 11, 27, 12, 30, tzinfo=NY))
    after = calendars.at("US", datetime(2026, 11, 27, 13, 30, tzinfo=NY))
    assert before is not None and after is not None
    assert before.latest_completed() == d("2026-11-25")  # Thanksgiving 11-26 closed
    assert after.latest_completed() == d("2026-11-27")
    assert after.previous_session(d("2026-11-27")) == d("2026-11-25")


def test_past_its_holidays_a_calendar_gives_way_to_sessions_inferred_from_the_data(
        calendars: Calendars) -> None:
    lunch = calendars.at("CN", datetime(2027, 3, 1, 12, 0, tzinfo=SHANGHAI))  # a Monday
    if isinstance(lunch, MarketCalendar):
        pytest.skip("this exchange_calendars release records XSHG holidays for 2027")
    assert isinstance(lunch, InferredSessions)
    assert lunch.is_session(d("2027-02-27")) is False  # a Saturday
    assert lunch.is_session(d("2027-03-01")) is None  # a weekday: the data will tell
    assert lunch.previous_session(d("2027-03-01")) is None
    assert lunch.latest_completed() == d("2027-02-26")  # Monday's session is still trading
    evening = calendars.at("CN", datetime(2027, 3, 1, 15, 5, tzinfo=SHANGHAI))
    assert evening is not None and evening.latest_completed() == d("2027-03-01")
    assert lunch.note() == ("XSHG calendar has no holidays recorded for 2027: CN sessions are "
                            "inferred from the data (the bars' dates and Eastmoney's update "
                            "time f124)")


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
def test_a_year_without_holidays_is_a_year_past_the_data(calendars: Calendars) -> None:
    import exchange_calendars

    june = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    weekdays_only = MarketCalendar("CN", "XSHG", june, exchange_calendars.get_calendar("24/5"))
    assert not weekdays_only.holidays_known()
    recorded = calendars.at("CN", june)
    assert isinstance(recorded, MarketCalendar) and recorded.holidays_known()


# --- whole builds, and what the report says

async def test_a_hk_holiday_build_labels_hk_closed(calendars: Calendars) -> None:
    now = datetime(2026, 7, 2, 8, 30, tzinfo=HK)  # Thursday morning in Hong Kong
    week = ("2026-06-26", "2026-06-29", "2026-06-30")
    world = dated(now, us=tuple(map(d, (*week, "2026-07-01"))), hk=tuple(map(d, week)),
                  cn=tuple(map(d, (*week, "2026-07-01"))))
    snapshot = await build_in(world, calendars)
    hsi, spx, sse = (snapshot.quote(i) for i in ("HSI", "SPX", "SSE"))
    assert hsi is not None and spx is not None and sse is not None
    assert (hsi.session, hsi.stale) == (d("2026-06-30"), False)
    assert (spx.session, sse.session) == (d("2026-07-01"), d("2026-07-01"))
    text = markdown.render(report_from_snapshot(snapshot, HK), None)
    # Hong Kong reopens this morning after its 1 July holiday: not closed, its session older
    assert "trades today - last session 2026-06-30" in text
    assert "Hong Kong reopens today (2026-07-02) after a holiday" in text


async def test_the_easter_edition_knows_who_is_shut_and_who_reopens(
        calendars: Calendars) -> None:
    """Tuesday 2026-04-07, 08:30 in Hong Kong: the snapshot carries each market's sessions
    from its exchange calendar, and the report says Hong Kong is shut until Wednesday while
    the A-shares reopen today after Qingming."""
    now = datetime(2026, 4, 7, 8, 30, tzinfo=HK)
    world = dated(now, us=tuple(map(d, ("2026-04-01", "2026-04-02", "2026-04-06"))),
                  hk=tuple(map(d, ("2026-03-31", "2026-04-01", "2026-04-02"))),
                  cn=tuple(map(d, ("2026-04-01", "2026-04-02", "2026-04-03"))))
    snapshot = await build_in(world, calendars)
    window = {c.market: [s.isoformat() for s in c.sessions
                         if "2026-03-30" <= s.isoformat() <= "2026-04-10"]
              for c in snapshot.calendars}
    assert window == HOLIDAY_SESSIONS  # the odd-day test input is the calendars' own
    text = markdown.render(report_from_snapshot(snapshot, HK), None)
    assert "Hong Kong is shut for a holiday until Wednesday 2026-04-08: its next session will " \
           "absorb three US sessions (2026-04-02, 2026-04-06, and 2026-04-07)." in text
    assert "trades today - last session 2026-04-03" in text


async def test_a_weekend_build_flags_a_quote_behind_its_market(calendars: Calendars) -> None:
    now = datetime(2026, 11, 21, 10, 0, tzinfo=HK)  # Saturday
    week = tuple(map(d, ("2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20")))
    world = dated(now, us=week, hk=week[:-1], cn=week)  # HK's Friday bar is missing
    snapshot = await build_in(world, calendars)
    spx, hsi = snapshot.quote("SPX"), snapshot.quote("HSI")
    assert spx is not None and hsi is not None
    assert (spx.session, spx.stale) == (d("2026-11-20"), False)
    assert (hsi.session, hsi.stale) == (d("2026-11-19"), True)
    assert any(w.figures == ("HSI",) and "stale" in w.reason for w in snapshot.warnings)


async def test_a_us_half_day_close_is_the_latest_session(calendars: Calendars) -> None:
    now = datetime(2026, 11, 27, 13, 30, tzinfo=NY)
    us = tuple(map(d, ("2026-11-23", "2026-11-24", "2026-11-25", "2026-11-27")))
    asia = tuple(map(d, ("2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27")))
    world = dated(now, us=us, hk=asia, cn=asia)
    world.early_closes[("America/New_York", d("2026-11-27"))] = time(13, 0)
    snapshot = await build_in(world, calendars)
    spx = snapshot.quote("SPX")
    assert spx is not None
    assert (spx.session, spx.stale) == (d("2026-11-27"), False)
    (_, before), (_, last) = world.series["^GSPC"][-2:]
    assert before is not None and last is not None
    assert spx.change_pct == pytest.approx((last / before - 1) * 100)
    assert not [w for w in snapshot.warnings if "SPX" in w.figures]


async def test_an_a_share_session_in_progress_falls_back_to_the_last_close(
        calendars: Calendars) -> None:
    now = datetime(2026, 11, 24, 10, 0, tzinfo=HK)  # Shanghai is trading
    days = tuple(map(d, ("2026-11-19", "2026-11-20", "2026-11-23")))
    world = dated(now, us=days, hk=days, cn=(*days, d("2026-11-24")))
    snapshot = await build_in(world, calendars)
    sse = snapshot.quote("SSE")
    assert sse is not None
    assert (sse.source, sse.session) == ("yahoo", d("2026-11-23"))
    assert snapshot.a_share_breadth is None
    reasons = [w.reason for w in snapshot.warnings if w.source == "eastmoney ulist"]
    intraday = ("read at 09:59 Shanghai time on 2026-11-24, before the 15:00 close: intraday, "
                "not a close")
    assert f"SSE: {intraday}; last close from yahoo instead" in reasons
    assert f"breadth left out: {intraday}" in reasons


async def test_in_2027_a_share_sessions_come_from_the_data_and_say_so_once(
        calendars: Calendars) -> None:
    now = datetime(2027, 1, 13, 15, 30, tzinfo=SHANGHAI)  # Wednesday, after the close
    if isinstance(calendars.at("CN", now), MarketCalendar):
        pytest.skip("this exchange_calendars release records XSHG holidays for 2027")
    days = tuple(map(d, ("2027-01-08", "2027-01-11", "2027-01-12")))
    world = dated(now, us=days, hk=days, cn=(*days, d("2027-01-13")))
    del world.cn_rows["0.399006"]  # ChiNext from Yahoo, whose bars end a session early
    world.series["399006.SZ"] = world.series["399006.SZ"][:-1]
    snapshot = await build_in(world, calendars)

    sse, chinext = snapshot.quote("SSE"), snapshot.quote("CHINEXT")
    assert sse is not None and chinext is not None
    assert (sse.source, sse.session, sse.stale) == ("eastmoney", d("2027-01-13"), False)
    assert snapshot.a_share_breadth is not None
    # Eastmoney's f124 says Wednesday was a session: Yahoo's Tuesday close is behind it.
    assert (chinext.source, chinext.session, chinext.stale) == ("yahoo", d("2027-01-12"), True)
    assert any(w.figures == ("CHINEXT",) and "stale" in w.reason for w in snapshot.warnings)
    note = ("XSHG calendar has no holidays recorded for 2027: CN sessions are inferred from the "
            "data (the bars' dates and Eastmoney's update time f124)")
    assert [w.reason for w in snapshot.warnings if w.source == "calendar XSHG"] == [note]
    assert [s.note for s in snapshot.sources if s.name == "calendar XSHG"] == [note]


async def test_in_2027_an_a_share_value_read_before_the_close_is_never_a_close(
        calendars: Calendars) -> None:
    now = datetime(2027, 1, 13, 10, 0, tzinfo=SHANGHAI)
    if isinstance(calendars.at("CN", now), MarketCalendar):
        pytest.skip("this exchange_calendars release records XSHG holidays for 2027")
    days = tuple(map(d, ("2027-01-08", "2027-01-11", "2027-01-12")))
    world = dated(now, us=days, hk=days, cn=(*days, d("2027-01-13")))
    snapshot = await build_in(world, calendars)
    for quote_id in ("SSE", "SZSE", "CHINEXT"):
        quote = snapshot.quote(quote_id)
        assert quote is not None
        assert (quote.source, quote.session) == ("yahoo", d("2027-01-12")), quote_id
    assert snapshot.a_share_breadth is None
