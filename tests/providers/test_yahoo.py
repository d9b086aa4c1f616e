"""Yahoo v8 chart: parse the daily bars, take the last completed close and its change."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.errors import UpstreamFormatError, UpstreamImplausible
from services.market_data.calendars import Calendars
from services.market_data.providers import yahoo
from tests.providers.conftest import own
from tests.upstream.world import World

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HK = ZoneInfo("Asia/Hong_Kong")


def recorded(fixtures_dir: Path, name: str) -> Any:
    return json.loads((fixtures_dir / "yahoo" / name).read_text())


def test_index_change_comes_from_the_last_two_closes_not_chart_previous_close(
        fixtures_dir: Path, calendars: Calendars) -> None:
    payload = recorded(fixtures_dir, "chart_^SOX_range-1mo_interval-1d_sha-verified.json")
    series = yahoo.parse_chart(payload, now=NOW)
    assert (series.symbol, len(series.bars)) == ("^SOX", 20)
    # Recorded at 11:58 in New York (regularMarketTime inside currentTradingPeriod.regular):
    # the bar of 2026-10-05 is live, and its move is the intraday regularMarketChangePercent.
    assert series.live == date(2026, 10, 5)
    meta = payload["chart"]["result"][0]["meta"]
    live_move = (13128.23046875 / 13136.669921875 - 1) * 100
    assert meta["regularMarketChangePercent"] == pytest.approx(live_move, abs=0.001)
    calendar = calendars.at("US", datetime(2026, 10, 5, 21, 0, tzinfo=UTC))
    parsed = yahoo.last_close(series, max_move_pct=25, calendar=calendar)
    daily = parsed.value
    assert daily.close == pytest.approx(13136.669921875)
    assert (daily.session, daily.previous_session) == (date(2026, 10, 2), date(2026, 10, 1))
    assert daily.change_pct == pytest.approx((13136.669921875 / 12829.0 - 1) * 100)
    from_range_start = (daily.close / meta["chartPreviousClose"] - 1) * 100
    assert daily.change_pct != pytest.approx(from_range_start)
    assert parsed.rejected == ()


def test_daily_bars_of_a_stock_over_two_months(fixtures_dir: Path) -> None:
    payload = recorded(fixtures_dir, "nyf2_chart-AAPL-2020-08-31-to-2020-11-07.body.json")
    series = yahoo.parse_chart(payload, now=NOW)
    assert len(series.bars) == 49
    assert series.bars[0].session == date(2020, 8, 31)
    daily = yahoo.last_close(series, max_move_pct=25).value
    assert daily.session == date(2020, 11, 6)
    assert daily.change_pct == pytest.approx((118.69000244140625 / 119.02999877929688 - 1) * 100)


@pytest.mark.parametrize("name", ["nyf2_chart-AAPL.body.json",
                                  "nyf2_chart-QQQ-2020-01-01-to-2020-01-03.body.json"])
def test_a_single_bar_gives_a_close_and_no_change(fixtures_dir: Path, name: str) -> None:
    series = yahoo.parse_chart(recorded(fixtures_dir, name), now=NOW)
    daily = yahoo.last_close(series, max_move_pct=25).value
    assert daily.close > 0
    assert daily.change_pct is None and daily.previous_session is None


def test_the_wrapped_recording_holds_the_same_body(fixtures_dir: Path) -> None:
    wrapped = recorded(fixtures_dir, "nyf2_chart-AAPL.json")["response"]["bodyJson"]
    assert yahoo.parse_chart(wrapped, now=NOW) == yahoo.parse_chart(
        recorded(fixtures_dir, "nyf2_chart-AAPL.body.json"), now=NOW)


def test_a_weekend_range_has_no_bars(fixtures_dir: Path) -> None:
    payload = recorded(fixtures_dir, "nyf2_chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-"
                                     "false-interval-1m.body.json")
    series = yahoo.parse_chart(payload, now=NOW)
    assert series.bars == ()
    with pytest.raises(UpstreamFormatError, match="no completed daily close"):
        yahoo.last_close(series, max_move_pct=25)


def test_a_holiday_bar_is_dropped_and_a_null_close_skipped(calendars: Calendars) -> None:
    series = yahoo.parse_chart(own("yahoo_chart_HSI_2026-07-02_holiday-bar.json"), now=NOW)
    assert [b.session for b in series.bars] == [date(2026, 6, 25), date(2026, 6, 26),
                                               date(2026, 6, 30), date(2026, 7, 1),
                                               date(2026, 7, 2)]
    after_close = calendars.at("HK", datetime(2026, 7, 2, 20, 0, tzinfo=HK))
    daily = yahoo.last_close(series, max_move_pct=25, calendar=after_close).value
    assert (daily.session, daily.previous_session) == (date(2026, 7, 2), date(2026, 6, 30))
    assert daily.change_pct == pytest.approx((24102.33 / 24335.07 - 1) * 100)
    # Without a calendar the holiday bar counts as a session.
    assert yahoo.last_close(series, max_move_pct=25).value.previous_session == date(2026, 7, 1)


def test_a_session_in_progress_is_not_a_close_and_a_gap_rejects_the_change(
        calendars: Calendars) -> None:
    series = yahoo.parse_chart(own("yahoo_chart_HSI_2026-07-02_holiday-bar.json"), now=NOW)
    morning = calendars.at("HK", datetime(2026, 7, 2, 10, 0, tzinfo=HK))
    parsed = yahoo.last_close(series, max_move_pct=25, calendar=morning)
    assert parsed.value.session == date(2026, 6, 30)  # 07-02 still trading
    assert parsed.value.close == 24335.07
    # The close of 06-29 is null: a change over two sessions is not a session's change.
    assert parsed.value.change_pct is None
    assert [r.reason for r in parsed.rejected] == [
        "change not computed: the close of 2026-06-29 is missing (the previous close in the "
        "answer is of 2026-06-26)"]


def test_a_move_beyond_the_bound_is_rejected() -> None:
    payload = own("yahoo_chart_HSI_2026-07-02_holiday-bar.json")
    payload["chart"]["result"][0]["indicators"]["quote"][0]["close"][-1] = 35000.0
    series = yahoo.parse_chart(payload, now=NOW)
    with pytest.raises(UpstreamImplausible, match=r"\+43\.8% move .* sane bound of ±25%"):
        yahoo.last_close(series, max_move_pct=25)


def test_a_timestamp_in_the_future_is_rejected() -> None:
    payload = own("yahoo_chart_HSI_2026-07-02_holiday-bar.json")
    with pytest.raises(UpstreamImplausible, match="in the future"):
        yahoo.parse_chart(payload, now=datetime(2026, 7, 1, tzinfo=UTC))


@pytest.mark.parametrize("mutate, message", [
    (lambda p: p.update(chart={"result": None, "error": {"code": "Not Found",
                                                         "description": "No data found"}}),
     "error answer: No data found"),
    (lambda p: p["chart"].update(result=[]), "chart.result is empty"),
    (lambda p: p["chart"].update(result={"meta": {}}), "chart.result is not a list"),
    (lambda p: p.update(chart="oops"), "chart is not an object"),
    (lambda p: p["chart"]["result"][0].update(timestamp=[1, 2]), "2 timestamps for 6 closes"),
])
def test_wrong_shapes_are_format_errors(mutate: Any, message: str) -> None:
    payload = copy.deepcopy(own("yahoo_chart_HSI_2026-07-02_holiday-bar.json"))
    mutate(payload)
    with pytest.raises(UpstreamFormatError, match=message):
        yahoo.parse_chart(payload, now=NOW)


def test_nan_and_dash_closes_are_missing_values() -> None:
    payload = own("yahoo_chart_HSI_2026-07-02_holiday-bar.json")
    closes = payload["chart"]["result"][0]["indicators"]["quote"][0]["close"]
    closes[-1], closes[-2] = float("nan"), "-"
    series = yahoo.parse_chart(payload, now=NOW)
    assert series.bars[-1].session == date(2026, 6, 30)


def test_the_request_escapes_the_symbol_and_asks_for_daily_bars() -> None:
    request = yahoo.chart_request("https://query1.finance.yahoo.com/", "^GSPC")
    assert request.url == "https://query1.finance.yahoo.com/v8/finance/chart/%5EGSPC"
    assert request.params == {"range": "1mo", "interval": "1d", "includePrePost": "false"}
    assert (request.source, request.upstream) == ("yahoo chart", "yahoo")


def test_hong_kong_indices_ask_for_the_five_days_yahoo_serves_them() -> None:
    assert {quote_id: yahoo.range_for(quote_id) for quote_id in ("HSI", "HSCEI", "HSTECH")} == {
        "HSI": "5d", "HSCEI": "5d", "HSTECH": "5d"}
    assert yahoo.range_for("SPX") == yahoo.range_for("SSE") == "1mo"
    request = yahoo.chart_request("https://query1.finance.yahoo.com", "HSTECH.HK",
                                  yahoo.range_for("HSTECH"))
    assert request.params["range"] == "5d"


# --- the second batch of recordings (../shared/fixtures/SOURCES.md): every chart parses

CHARTS = [
    "openbb_chart_^GSPC_interval-1d_period-masked_2023-01-03_to_2024-02-29.json",
    "openbb_chart_^GSPC_range-1d_2024-02-29.json",
    "openbb_chart_^GSPC_interval-1d_2022-01-01_to_2022-02-02.json",
    "openbb_chart_^GSPC_range-1d_2023-02-24.json",
    "openbb_chart_^IXIC_interval-1d_2022-01-01_to_2022-02-02.json",
    "openbb_chart_^IXIC_range-1d_2023-02-24.json",
    "openbb_chart_ES=F_interval-1d_2023-01-03_to_2023-01-10.json",
    "openbb_chart_ES=F_range-1d_2023-11-21.json",
    "openbb_chart_EURUSD=X_range-1d_2023-11-21.json",
    "openbb_chart_BTC-USD_range-1d_2025-02-19.json",
    "openbb_chart_CLU23.NYM_range-1d_2023-08-01.json",
    "scheb_chart_CAPIO.ST_no-data-empty-quote.json",
    "nyf2_chart-BTC-USD-2020-01-01-to-2020-01-03.body.json",
    "nyf2_chart-EURUSD=X-2020-01-01-to-2020-01-03.body.json",
]


@pytest.mark.parametrize("name", CHARTS)
def test_every_recorded_chart_parses_to_bars_or_a_named_gap(fixtures_dir: Path,
                                                            name: str) -> None:
    series = yahoo.parse_chart(recorded(fixtures_dir, name), now=NOW)
    try:
        daily = yahoo.last_close(series, max_move_pct=25).value
    except UpstreamFormatError as exc:
        assert "no completed daily close" in str(exc)
    else:
        assert daily.close > 0 and daily.session != series.live


def test_the_long_index_chart_ends_in_a_live_bar_that_is_not_a_close(
        fixtures_dir: Path, calendars: Calendars) -> None:
    payload = recorded(fixtures_dir, "openbb_chart_^GSPC_interval-1d_period-masked_"
                                     "2023-01-03_to_2024-02-29.json")
    series = yahoo.parse_chart(payload, now=NOW)
    assert len(series.bars) == 291 and series.bars[0].session == date(2023, 1, 3)
    assert series.live == date(2024, 2, 29)  # its bar is stamped 18:46 UTC, not the open
    recorded_at = datetime(2024, 2, 29, 18, 46, 31, tzinfo=UTC)
    for calendar in (None, calendars.at("US", recorded_at)):
        daily = yahoo.last_close(series, max_move_pct=25, calendar=calendar).value
        assert (daily.session, daily.previous_session) == (date(2024, 2, 28), date(2024, 2, 27))
        assert daily.close == pytest.approx(5069.759765625)
        assert daily.change_pct == pytest.approx((5069.759765625 / 5078.18017578125 - 1) * 100)


@pytest.mark.parametrize("name", ["openbb_chart_^GSPC_range-1d_2024-02-29.json",
                                  "openbb_chart_ES=F_range-1d_2023-11-21.json",
                                  "openbb_chart_EURUSD=X_range-1d_2023-11-21.json",
                                  "openbb_chart_CLU23.NYM_range-1d_2023-08-01.json"])
def test_a_one_day_range_recorded_during_the_session_has_no_close(fixtures_dir: Path,
                                                                  name: str) -> None:
    series = yahoo.parse_chart(recorded(fixtures_dir, name), now=NOW)
    assert series.live is not None and [b.session for b in series.bars] == [series.live]
    with pytest.raises(UpstreamFormatError, match=r"the bar of .* is still trading"):
        yahoo.last_close(series, max_move_pct=25)


@pytest.mark.parametrize("name, session, close", [
    ("openbb_chart_^GSPC_range-1d_2023-02-24.json", date(2023, 2, 23), 4012.320068359375),
    ("openbb_chart_^IXIC_range-1d_2023-02-24.json", date(2023, 2, 23), 11590.400390625),
])
def test_a_one_day_range_recorded_before_the_open_is_the_last_close(
        fixtures_dir: Path, name: str, session: date, close: float) -> None:
    series = yahoo.parse_chart(recorded(fixtures_dir, name), now=NOW)
    assert series.live is None
    daily = yahoo.last_close(series, max_move_pct=25).value
    assert (daily.session, daily.close, daily.change_pct) == (session, close, None)


def test_index_charts_of_a_past_month(fixtures_dir: Path) -> None:
    for name, last in (("openbb_chart_^GSPC_interval-1d_2022-01-01_to_2022-02-02.json",
                        (4546.5400390625, 4515.5498046875)),
                       ("openbb_chart_^IXIC_interval-1d_2022-01-01_to_2022-02-02.json", None)):
        series = yahoo.parse_chart(recorded(fixtures_dir, name), now=NOW)
        assert len(series.bars) == 21 and series.bars[-1].session == date(2022, 2, 1)
        daily = yahoo.last_close(series, max_move_pct=25).value
        if last is not None:
            assert daily.change_pct == pytest.approx((last[0] / last[1] - 1) * 100)


def test_a_future_dates_its_bars_at_midnight_new_york(fixtures_dir: Path) -> None:
    payload = recorded(fixtures_dir, "openbb_chart_ES=F_interval-1d_2023-01-03_to_2023-01-10.json")
    series = yahoo.parse_chart(payload, now=NOW)
    assert [b.session for b in series.bars] == [date(2023, 1, d) for d in (3, 4, 5, 6, 9, 10)]
    daily = yahoo.last_close(series, max_move_pct=25).value
    assert daily.change_pct == pytest.approx((3940.75 / 3913.75 - 1) * 100)
    # chartPreviousClose equals the first bar's close here: never the previous session's.
    assert payload["chart"]["result"][0]["meta"]["chartPreviousClose"] == series.bars[0].close


def test_the_404_body_is_a_named_error(fixtures_dir: Path) -> None:
    payload = recorded(fixtures_dir,
                       "openbb_chart_CLQ23.NYM_404_not-found-delisted_2023-08-01.json")
    with pytest.raises(UpstreamFormatError,
                       match="error answer: No data found, symbol may be delisted"):
        yahoo.parse_chart(payload, now=NOW)


def test_an_answer_with_an_empty_quote_has_no_bars(fixtures_dir: Path) -> None:
    series = yahoo.parse_chart(recorded(fixtures_dir,
                                        "scheb_chart_CAPIO.ST_no-data-empty-quote.json"), now=NOW)
    assert series.bars == ()
    with pytest.raises(UpstreamFormatError, match="no price in the answer"):
        yahoo.rolling_change(recorded(fixtures_dir,
                                      "scheb_chart_CAPIO.ST_no-data-empty-quote.json"),
                             now=NOW, max_move_pct=50)


def test_the_wrapped_gold_future_recording_parses(fixtures_dir: Path) -> None:
    wrapped = recorded(fixtures_dir, "nyf2_chart-GC=F-2020-01-01-to-2020-01-03.json")
    series = yahoo.parse_chart(wrapped["response"]["bodyJson"], now=NOW)
    assert len(series.bars) == 1 and series.bars[0].close > 0


@pytest.mark.parametrize("name", ["openbb_chart_BTC-USD_range-1d_2025-02-19.json",
                                  "nyf2_chart-BTC-USD-2020-01-01-to-2020-01-03.body.json"])
def test_a_coin_from_daily_bars_without_today_and_yesterday_has_no_change(
        fixtures_dir: Path, name: str) -> None:
    payload = recorded(fixtures_dir, name)
    parsed = yahoo.rolling_change(payload, now=NOW, max_move_pct=50)
    move = parsed.value
    assert move.window == yahoo.WINDOW_SINCE_MIDNIGHT and move.change_pct is None
    assert move.price == payload["chart"]["result"][0]["meta"]["regularMarketPrice"]
    assert [r.reason for r in parsed.rejected] == [
        "change not computed: no daily bars for today and yesterday (UTC)"]


def test_a_coin_from_daily_bars_moves_since_midnight(fixtures_dir: Path) -> None:
    payload = recorded(fixtures_dir, "nyf2_chart-BTC-USD-2020-01-01-to-2020-01-03.body.json")
    meta = payload["chart"]["result"][0]["meta"]
    meta["regularMarketTime"] = int(datetime(2020, 1, 3, 15, 0, tzinfo=UTC).timestamp())
    meta["regularMarketPrice"] = 7400.0
    move = yahoo.rolling_change(payload, now=NOW, max_move_pct=50).value
    assert move.window == "since 00:00 UTC"
    assert move.change_pct == pytest.approx((7400.0 / 6985.47021484375 - 1) * 100)


def test_a_coin_from_hourly_bars_moves_over_24_hours() -> None:
    world = World()
    payload = world.yahoo_chart("BTC-USD", query={"range": "5d", "interval": "1h"})
    move = yahoo.rolling_change(payload, now=world.now, max_move_pct=50).value
    bars = world.hourly("BTC-USD")
    assert move.window == yahoo.WINDOW_24H and move.price == bars[-1][1]
    assert move.as_of == world.now.replace(second=0) - timedelta(minutes=1)
    assert move.change_pct == pytest.approx((bars[-1][1] / bars[-25][1] - 1) * 100)


def test_hourly_bars_short_of_24_hours_give_no_change() -> None:
    world = World()
    payload = world.yahoo_chart("ETH-USD", query={"range": "5d", "interval": "1h"})
    result = payload["chart"]["result"][0]
    result["timestamp"] = result["timestamp"][-10:]
    result["indicators"]["quote"][0]["close"] = result["indicators"]["quote"][0]["close"][-10:]
    parsed = yahoo.rolling_change(payload, now=world.now, max_move_pct=50)
    assert parsed.value.change_pct is None
    assert "do not reach back 24 hours" in parsed.rejected[0].reason
