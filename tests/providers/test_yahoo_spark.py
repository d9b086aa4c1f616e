"""Yahoo spark: several symbols in one request, each read as a chart (the recorded answer)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from services.errors import UpstreamFormatError
from services.market_data.providers import yahoo

SPARK = "yahoo/bradjacobs_spark_v7_AAPL_range-5d_interval-1d_2021-05-03.json"
NOW = datetime(2021, 5, 4, tzinfo=UTC)


def test_the_recorded_spark_answer_reads_as_a_chart(fixtures_dir: Path) -> None:
    payload = json.loads((fixtures_dir / SPARK).read_text())
    charts = yahoo.split_spark(payload)
    assert set(charts) == {"AAPL"}
    series = yahoo.parse_chart(charts["AAPL"], now=NOW)
    assert [b.session for b in series.bars] == [
        date(2021, 4, 27), date(2021, 4, 28), date(2021, 4, 29), date(2021, 4, 30),
        date(2021, 5, 3)]
    assert series.live is None  # recorded at 20:00:01 New York time: the session had closed
    close = yahoo.last_close(series, max_move_pct=25).value
    assert (close.close, close.session, close.previous_session) == (
        132.54, date(2021, 5, 3), date(2021, 4, 30))
    assert close.change_pct == pytest.approx((132.54 / 131.46 - 1) * 100)


def test_a_symbol_missing_or_in_error_is_absent_and_a_whole_error_is_raised() -> None:
    payload = {"spark": {"result": [
        {"symbol": "^GSPC", "response": []},
        {"symbol": "^DJI"},
        {"symbol": "^IXIC", "response": [{"meta": {"symbol": "^IXIC"}, "timestamp": [],
                                          "indicators": {"quote": [{"close": []}]}}]},
    ], "error": None}}
    assert set(yahoo.split_spark(payload)) == {"^IXIC"}
    with pytest.raises(UpstreamFormatError, match="error answer: Not Found"):
        yahoo.split_spark({"spark": {"result": None, "error": {"code": "Not Found"}}})
    with pytest.raises(UpstreamFormatError):
        yahoo.split_spark({"chart": {}})


def test_the_request_names_every_symbol_once() -> None:
    request = yahoo.spark_request("https://query1.finance.yahoo.com/", ("^GSPC", "HSTECH.HK"),
                                  "5d")
    assert request.url == "https://query1.finance.yahoo.com/v7/finance/spark"
    assert request.params["symbols"] == "^GSPC,HSTECH.HK"
    assert (request.params["range"], request.params["interval"]) == ("5d", "1d")
    with pytest.raises(ValueError):
        yahoo.spark_request("https://x", tuple(f"S{i}" for i in range(21)))
