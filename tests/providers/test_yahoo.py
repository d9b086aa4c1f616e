"""Yahoo v8 chart: parse the daily bars, take the last completed close and its change."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.errors import UpstreamFormatError, UpstreamImplausible
from services.market_data.calendars import Calendars
from services.market_data.providers import yahoo
from tests.providers.conftest import own

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
