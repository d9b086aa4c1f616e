"""The closed sessions of a Yahoo answer (what a history may keep), on the real recordings."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.market_data.calendars import Calendars, Weekdays
from services.market_data.providers import yahoo
from tests.providers.conftest import own

LONG_GSPC = "openbb_chart_^GSPC_interval-1d_period-masked_2023-01-03_to_2024-02-29.json"
GSPC_RECORDED = datetime(2024, 2, 29, 18, 46, 31, tzinfo=UTC)


def recorded(fixtures_dir: Path, name: str) -> Any:
    payload = json.loads((fixtures_dir / "yahoo" / name).read_text())
    return payload["response"]["bodyJson"] if "response" in payload else payload


def test_the_long_index_chart_keeps_every_session_but_the_live_one(
        fixtures_dir: Path, calendars: Calendars) -> None:
    series = yahoo.parse_chart(recorded(fixtures_dir, LONG_GSPC), now=GSPC_RECORDED)
    assert len(series.bars) == 291 and series.live == date(2024, 2, 29)
    us = calendars.at("US", GSPC_RECORDED)
    assert us is not None
    for calendar in (None, us):
        closed = yahoo.closed_bars(series, calendar)
        assert len(closed) == 290
        assert (closed[0].session, closed[-1].session) == (date(2023, 1, 3), date(2024, 2, 28))
        assert date(2024, 2, 29) not in {bar.session for bar in closed}
        assert all(us.is_session(bar.session) for bar in closed)
        # The history ends at the quote's own close.
        daily = yahoo.last_close(series, max_move_pct=25, calendar=calendar).value
        assert (closed[-1].session, closed[-1].close) == (daily.session, daily.close)


def test_with_a_calendar_a_session_not_yet_completed_is_not_a_close(
        fixtures_dir: Path, calendars: Calendars) -> None:
    # Read as if at 10:00 New York on 2024-02-28: that day's bar is not a close yet.
    series = yahoo.parse_chart(recorded(fixtures_dir, LONG_GSPC), now=GSPC_RECORDED)
    morning = calendars.at("US", datetime(2024, 2, 28, 15, 0, tzinfo=UTC))
    closed = yahoo.closed_bars(series, morning)
    assert closed[-1].session == date(2024, 2, 27)


def test_a_holiday_bar_is_not_a_session(calendars: Calendars) -> None:
    series = yahoo.parse_chart(own("yahoo_chart_HSI_2026-07-02_holiday-bar.json"),
                               now=datetime(2026, 11, 23, tzinfo=UTC))
    evening = calendars.at("HK", datetime(2026, 7, 2, 20, 0, tzinfo=ZoneInfo("Asia/Hong_Kong")))
    assert [b.session for b in yahoo.closed_bars(series, evening)] == [
        date(2026, 6, 25), date(2026, 6, 26), date(2026, 6, 30), date(2026, 7, 2)]


@pytest.mark.parametrize("name, sessions", [
    ("openbb_chart_ES=F_interval-1d_2023-01-03_to_2023-01-10.json",
     [date(2023, 1, d) for d in (3, 4, 5, 6, 9, 10)]),
    ("nyf2_chart-GC=F-2020-01-01-to-2020-01-03.json", [date(2020, 1, 2)]),
    ("nyf2_chart-BTC-USD-2020-01-01-to-2020-01-03.body.json",
     [date(2020, 1, d) for d in (1, 2, 3)]),
    ("nyf2_chart-EURUSD=X-2020-01-01-to-2020-01-03.body.json",
     [date(2020, 1, d) for d in (1, 2, 3)]),
])
def test_futures_fx_and_coins_recorded_long_after_have_every_bar_closed(
        fixtures_dir: Path, name: str, sessions: list[date]) -> None:
    series = yahoo.parse_chart(recorded(fixtures_dir, name), now=datetime(2025, 3, 1, tzinfo=UTC))
    assert [bar.session for bar in yahoo.closed_bars(series)] == sessions


@pytest.mark.parametrize("name", ["openbb_chart_ES=F_range-1d_2023-11-21.json",
                                  "openbb_chart_EURUSD=X_range-1d_2023-11-21.json",
                                  "openbb_chart_BTC-USD_range-1d_2025-02-19.json",
                                  "openbb_chart_^GSPC_range-1d_2024-02-29.json"])
def test_a_bar_recorded_while_trading_is_no_close(fixtures_dir: Path, name: str) -> None:
    series = yahoo.parse_chart(recorded(fixtures_dir, name), now=datetime(2025, 3, 1, tzinfo=UTC))
    assert series.live is not None and yahoo.closed_bars(series) == ()


def test_the_recorded_spark_answer_gives_five_closed_sessions(fixtures_dir: Path) -> None:
    payload = recorded(fixtures_dir,
                       "bradjacobs_spark_v7_AAPL_range-5d_interval-1d_2021-05-03.json")
    series = yahoo.parse_chart(yahoo.split_spark(payload)["AAPL"],
                               now=datetime(2021, 5, 4, tzinfo=UTC))
    assert [(b.session, b.close) for b in yahoo.closed_bars(series)] == [
        (date(2021, 4, 27), 134.39), (date(2021, 4, 28), 133.58), (date(2021, 4, 29), 133.48),
        (date(2021, 4, 30), 131.46), (date(2021, 5, 3), 132.54)]


def test_a_fresh_market_time_never_dates_an_old_bar(fixtures_dir: Path) -> None:
    # The answer says the market was priced three days later, at another price: the quote is
    # still the last bar's close, dated by that bar.
    payload = recorded(fixtures_dir,
                       "bradjacobs_spark_v7_AAPL_range-5d_interval-1d_2021-05-03.json")
    chart = yahoo.split_spark(payload)["AAPL"]
    meta = chart["chart"]["result"][0]["meta"]
    meta["regularMarketTime"] = int(datetime(2021, 5, 6, 20, 0, tzinfo=UTC).timestamp())
    meta["regularMarketPrice"] = 140.0
    series = yahoo.parse_chart(chart, now=datetime(2021, 5, 7, tzinfo=UTC))
    daily = yahoo.last_close(series, max_move_pct=25).value
    assert (daily.session, daily.close) == (date(2021, 5, 3), 132.54)


def test_the_last_bars_of_an_answer_give_the_same_close_as_all_of_it(
        fixtures_dir: Path, calendars: Calendars) -> None:
    payload = recorded(fixtures_dir, LONG_GSPC)
    us = calendars.at("US", GSPC_RECORDED)
    full = yahoo.parse_chart(payload, now=GSPC_RECORDED)
    tail = yahoo.parse_chart(payload, now=GSPC_RECORDED, last=10)
    assert len(tail.bars) == 10 and tail.bars == full.bars[-10:]
    assert (tail.live, tail.as_of) == (full.live, full.as_of)
    assert yahoo.last_close(tail, max_move_pct=25, calendar=us) == yahoo.last_close(
        full, max_move_pct=25, calendar=us)


def test_an_answer_out_of_order_is_read_in_full(fixtures_dir: Path) -> None:
    payload = recorded(fixtures_dir, LONG_GSPC)
    result = payload["chart"]["result"][0]
    stamps, closes = result["timestamp"], result["indicators"]["quote"][0]["close"]
    stamps[0], stamps[-1] = stamps[-1], stamps[0]  # the live bar first, the oldest last
    closes[0], closes[-1] = closes[-1], closes[0]
    series = yahoo.parse_chart(payload, now=GSPC_RECORDED, last=10)
    assert len(series.bars) == 291 and series.bars[-1].session == date(2024, 2, 29)


def test_round_the_clock_today_is_no_close_even_unmarked(fixtures_dir: Path) -> None:
    # EURUSD=X recorded at 12:40 London time on 2023-11-21, without its trading period: the
    # answer marks no bar live, yet the bar of the London day still trading is not a close.
    payload = recorded(fixtures_dir, "openbb_chart_EURUSD=X_range-1d_2023-11-21.json")
    del payload["chart"]["result"][0]["meta"]["currentTradingPeriod"]
    recorded_at = datetime(2023, 11, 21, 12, 40, 47, tzinfo=UTC)
    series = yahoo.parse_chart(payload, now=recorded_at)
    assert series.live is None and [b.session for b in series.bars] == [date(2023, 11, 21)]
    assert yahoo.closed_bars(series, Weekdays()) == ()
    later = yahoo.parse_chart(payload, now=datetime(2023, 11, 22, 0, 30, tzinfo=UTC))
    assert [b.session for b in yahoo.closed_bars(later, Weekdays())] == [date(2023, 11, 21)]


def test_round_the_clock_weekend_bars_are_no_sessions(fixtures_dir: Path) -> None:
    payload = recorded(fixtures_dir, "openbb_chart_ES=F_interval-1d_2023-01-03_to_2023-01-10.json")
    result = payload["chart"]["result"][0]
    result["timestamp"].insert(4, result["timestamp"][3] + 86400)  # a Saturday bar
    result["indicators"]["quote"][0]["close"].insert(4, 3915.5)
    series = yahoo.parse_chart(payload, now=datetime(2023, 11, 22, tzinfo=UTC))
    assert date(2023, 1, 7) in [b.session for b in series.bars]
    assert [b.session for b in yahoo.closed_bars(series, Weekdays())] == [
        date(2023, 1, d) for d in (3, 4, 5, 6, 9, 10)]
