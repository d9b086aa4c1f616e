"""Eastmoney ulist.np: the A-share indices, breadth and turnover."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from services.errors import UpstreamFormatError
from services.market_data.providers import eastmoney
from services.market_data.providers.base import decode_json
from services.market_data.sources import UPSTREAMS
from tests.providers.conftest import own

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_recorded_answer_without_fltt_is_unscaled(fixtures_dir: Path) -> None:
    payload = json.loads((fixtures_dir / "eastmoney" /
                          "ulist_np_secids-1.000001,0.399001_breadth_no-fltt.json").read_text())
    parsed = eastmoney.parse_ulist(payload, now=NOW, fltt=False)
    board = parsed.value
    assert board.quotes["SSE"].close == pytest.approx(3156.14)
    assert board.quotes["SSE"].change_pct == pytest.approx(-0.29)
    assert board.quotes["SZSE"].close == pytest.approx(11219.79)
    assert board.quotes["SZSE"].change_pct == pytest.approx(-0.39)
    assert "CHINEXT" not in board.quotes
    breadth = board.breadth
    assert breadth is not None
    assert (breadth.advancers, breadth.decliners, breadth.flat) == (1186 + 1818, 913 + 864,
                                                                    100 + 83)
    assert breadth.turnover_cny == pytest.approx(366318678808.3 + 498207072951.0528)
    assert breadth.source == "eastmoney"
    assert parsed.rejected == ()


def test_recorded_jsonp_answer_is_unwrapped(fixtures_dir: Path) -> None:
    raw = (fixtures_dir / "eastmoney" / "clist_get_sh-a-board_fid-f3_pz20_2024-08-08.jsonp")
    plain = (fixtures_dir / "eastmoney" / "clist_get_sh-a-board_fid-f3_pz20_2024-08-08.json")
    unwrapped = decode_json(eastmoney.strip_jsonp(raw.read_bytes()), "eastmoney")
    assert unwrapped == json.loads(plain.read_text())
    assert unwrapped["data"]["diff"][0]["f14"] == "美尔雅"
    assert eastmoney.strip_jsonp(b'{"rc":0}') == b'{"rc":0}'


def test_decimals_codes_dashes_and_session_date() -> None:
    parsed = eastmoney.parse_ulist(own("eastmoney_ulist_fltt2_2026-11-23.json"), now=NOW)
    board = parsed.value
    assert {k: (q.close, q.change_pct) for k, q in board.quotes.items()} == {
        "SSE": (3957.05, -1.24), "SZSE": (13125.4, -0.25), "CHINEXT": (3120.5, 1.3)}
    assert {q.session for q in board.quotes.values()} == {date(2026, 11, 23)}
    breadth = board.breadth
    assert breadth is not None  # ChiNext's "-" breadth does not matter: it is inside SZSE
    assert (breadth.advancers, breadth.decliners, breadth.flat) == (1513, 3661, 106)
    assert breadth.session == date(2026, 11, 23)


def test_breadth_needs_both_markets() -> None:
    payload = own("eastmoney_ulist_fltt2_2026-11-23.json")
    payload["data"]["diff"][1]["f104"] = "-"
    breadth = eastmoney.parse_ulist(payload, now=NOW).value.breadth
    assert breadth is not None
    assert breadth.advancers is None and breadth.decliners == 3661


def test_rows_are_matched_by_code_and_market_not_position() -> None:
    payload = own("eastmoney_ulist_fltt2_2026-11-23.json")
    payload["data"]["diff"].reverse()
    payload["data"]["diff"].append({**payload["data"]["diff"][0], "f12": "000001", "f13": 0,
                                    "f2": 11.2, "f3": 0.5})  # Ping An Bank, not the SSE index
    board = eastmoney.parse_ulist(payload, now=NOW).value
    assert board.quotes["SSE"].close == 3957.05
    assert board.quotes["CHINEXT"].close == 3120.5


def test_an_implausible_move_or_future_time_is_rejected() -> None:
    payload = own("eastmoney_ulist_fltt2_2026-11-23.json")
    payload["data"]["diff"][0]["f3"] = 31.0
    payload["data"]["diff"][2]["f124"] = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp())
    parsed = eastmoney.parse_ulist(payload, now=NOW)
    assert set(parsed.value.quotes) == {"SZSE"}
    reasons = {r.figure: r.reason for r in parsed.rejected}
    assert "outside the sane bound of ±25%" in reasons["SSE"]
    assert "in the future" in reasons["CHINEXT"]
    assert parsed.value.breadth is None


@pytest.mark.parametrize("payload, message", [
    ({"rc": 102, "data": None}, "rc=102"),
    ({"rc": 0, "data": None}, "data is null"),
    ({"rc": 0, "data": {"total": 0, "diff": []}}, "data.diff is empty"),
    ([1, 2], r"\$ is not an object"),
])
def test_wrong_shapes_are_format_errors(payload: object, message: str) -> None:
    with pytest.raises(UpstreamFormatError, match=message):
        eastmoney.parse_ulist(payload, now=NOW)


def test_the_request_goes_through_the_browser_client_with_the_referer() -> None:
    request = eastmoney.ulist_request("https://push2.eastmoney.com")
    assert request.url == "https://push2.eastmoney.com/api/qt/ulist.np/get"
    upstream = UPSTREAMS[request.upstream]
    assert upstream.client == "browser"  # its User-Agent is the impersonated browser's
    assert upstream.headers["Referer"] == "https://quote.eastmoney.com/"
    assert request.params["fltt"] == "2"
    assert request.params["secids"] == "1.000001,0.399001,0.399006"
    assert {"f2", "f3", "f4", "f6", "f12", "f14", "f104", "f105", "f106", "f124"} <= set(
        request.params["fields"].split(","))


def test_recorded_fltt2_answer_tells_the_two_000001_apart_by_market(fixtures_dir: Path) -> None:
    name = ("sunchuquin-kline_ulist_np_fltt2_secids-1.600000,0.000001,1.000001,0.300750,"
            "1.601398_2026-09-30.json")
    payload = json.loads((fixtures_dir / "eastmoney" / name).read_text())
    parsed = eastmoney.parse_ulist(payload, now=NOW)
    board = parsed.value
    assert set(board.quotes) == {"SSE"}  # 平安银行 is 000001 on market 0: not the index
    sse = board.quotes["SSE"]
    assert sse.close == 3842.19
    # No f3 in this answer: the change comes from the previous close f18.
    assert sse.change_pct == pytest.approx((3842.19 / 3830.45 - 1) * 100)
    assert sse.session == date(2026, 9, 30) and not sse.intraday  # f124 is 15:32 Shanghai
    assert board.breadth is None and parsed.rejected == ()


def test_a_value_read_before_three_in_shanghai_is_intraday() -> None:
    payload = own("eastmoney_ulist_fltt2_2026-11-23.json")
    lunch = int(datetime(2026, 11, 23, 3, 45, tzinfo=UTC).timestamp())  # 11:45 Shanghai
    payload["data"]["diff"][0]["f124"] = lunch
    board = eastmoney.parse_ulist(payload, now=NOW).value
    assert board.quotes["SSE"].intraday and not board.quotes["SZSE"].intraday


@pytest.mark.parametrize("advancers, kept", [(313, True), (10, False), (9000, False)])
def test_a_breadth_count_outside_the_plausible_range_is_rejected(advancers: int,
                                                                 kept: bool) -> None:
    payload = own("eastmoney_ulist_fltt2_2026-11-23.json")
    payload["data"]["diff"][0]["f104"] = advancers
    payload["data"]["diff"][0]["f105"] = 2011 if advancers > 100 else 10
    payload["data"]["diff"][1].update(f104=1200 if advancers > 100 else 10,
                                      f105=1650 if advancers > 100 else 10)
    parsed = eastmoney.parse_ulist(payload, now=NOW)
    assert (parsed.value.breadth is not None) == kept
    if not kept:
        (rejection,) = parsed.rejected
        assert rejection.figure == "a_share_breadth"
        assert "outside the plausible range of 4,000 to 7,000 for SSE + SZSE" in rejection.reason
