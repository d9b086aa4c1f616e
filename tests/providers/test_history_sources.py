"""The history's sources, on the real recordings in ../shared/fixtures: Eastmoney daily klines,
Yahoo charts (only completed sessions are closes: the long ^GSPC chart ends with a live bar),
futures, FX and coins; the 404 body and the empty-quote body name the gap. DefiLlama's
stablecoin charts have no public recording: their documented shape, hand-made."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.errors import UpstreamFormatError
from services.market_data.backfill import Backfiller, kline_sessions, yahoo_range
from services.market_data.calendars import Calendars
from services.market_data.closes import chart_closes, chart_zone, closed
from services.market_data.providers import defillama, eastmoney, yahoo
from services.market_data.transport import Answer, HttpClients

KLINE = "eastmoney/stocknote_push2his_kline_secid-1.000300_klt-101_fqt-1_lmt-3_2026-09-30.json"
GSPC_LONG = "yahoo/openbb_chart_^GSPC_interval-1d_period-masked_2023-01-03_to_2024-02-29.json"
NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def recorded(fixtures_dir: Path, name: str) -> Any:
    return json.loads((fixtures_dir / name).read_text(encoding="utf-8"))


# --- Eastmoney kline

def test_the_kline_request_asks_the_history_host_for_daily_bars() -> None:
    request = eastmoney.kline_request("https://push2his.eastmoney.com/", "1.000001", 262)
    assert request.url == "https://push2his.eastmoney.com/api/qt/stock/kline/get"
    assert (request.params["secid"], request.params["klt"], request.params["lmt"]) == (
        "1.000001", "101", "262")
    assert request.upstream == "eastmoney"  # the browser client, with the Referer
    assert eastmoney.KLINE_SECIDS["SSE"] == "1.000001"  # the index, not 0.000001 (Ping An)


def test_the_recorded_kline_gives_three_daily_closes(fixtures_dir: Path) -> None:
    payload = recorded(fixtures_dir, KLINE)
    parsed = eastmoney.parse_kline(payload, secid="1.000300",
                                   now=datetime(2026, 10, 1, tzinfo=UTC))
    series = parsed.value
    assert (series.secid, series.name, parsed.rejected) == ("1.000300", "沪深300", ())
    assert [(k.session, k.close) for k in series.bars] == [
        (date(2026, 9, 28), 4340.76), (date(2026, 9, 29), 4345.21), (date(2026, 9, 30), 4357.62)]


def test_a_kline_of_another_market_with_the_same_code_is_refused(fixtures_dir: Path) -> None:
    payload = recorded(fixtures_dir, KLINE)
    with pytest.raises(UpstreamFormatError, match=r"asked for 0\.000300, the answer is 1\.000300"):
        eastmoney.parse_kline(payload, secid="0.000300", now=datetime(2026, 10, 1, tzinfo=UTC))


def test_a_kline_answer_without_data_or_with_an_error_is_named() -> None:
    now = datetime(2026, 10, 1, tzinfo=UTC)
    with pytest.raises(UpstreamFormatError, match=r"no data for 1\.000001"):
        eastmoney.parse_kline({"rc": 0, "data": None}, secid="1.000001", now=now)
    with pytest.raises(UpstreamFormatError, match="rc=102"):
        eastmoney.parse_kline({"rc": 102, "data": None}, secid="1.000001", now=now)


def test_a_kline_row_without_a_close_is_left_out_and_named(fixtures_dir: Path) -> None:
    payload = recorded(fixtures_dir, KLINE)
    payload["data"]["klines"][1] = "2026-09-29,4335.81,-,4359.30,4324.53,1,1,0.80"
    parsed = eastmoney.parse_kline(payload, secid="1.000300",
                                   now=datetime(2026, 10, 1, tzinfo=UTC))
    assert [k.session.day for k in parsed.value.bars] == [28, 30]
    assert [r.reason for r in parsed.rejected] == [
        "1.000300: kline row 1 has no date or no positive close"]


def test_todays_kline_is_a_close_only_after_the_close(fixtures_dir: Path,
                                                      calendars: Calendars) -> None:
    payload = recorded(fixtures_dir, KLINE)
    bars = [(k.session, k.close) for k in eastmoney.parse_kline(
        payload, secid="1.000300", now=datetime(2026, 10, 1, tzinfo=UTC)).value.bars]
    during = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)  # the 30th is still trading
    after = datetime(2026, 9, 30, 15, 5, tzinfo=SHANGHAI)
    for now, last in ((during, date(2026, 9, 29)), (after, date(2026, 9, 30))):
        kept = closed(bars, now, SHANGHAI, calendars.at("CN", now))
        assert kept[-1][0] == last


# --- Yahoo charts: completed sessions only

def test_the_long_index_chart_stores_every_session_but_the_live_one(
        fixtures_dir: Path, calendars: Calendars) -> None:
    payload = recorded(fixtures_dir, GSPC_LONG)
    recorded_at = datetime(2024, 2, 29, 18, 46, 31, tzinfo=UTC)
    series = yahoo.parse_chart(payload, now=recorded_at)
    assert series.live == date(2024, 2, 29) and len(series.bars) == 291
    for calendar in (calendars.at("US", recorded_at), None):
        closes = chart_closes(series, payload, recorded_at, calendar)
        assert len(closes) == 290
        assert closes[0] == (date(2023, 1, 3), series.bars[0].close)
        assert closes[-1] == (date(2024, 2, 28), pytest.approx(5069.759765625))
        assert date(2024, 2, 29) not in dict(closes)


def test_a_futures_chart_dated_at_midnight_new_york(fixtures_dir: Path) -> None:
    payload = recorded(fixtures_dir, "yahoo/openbb_chart_ES=F_interval-1d_2023-01-03_to_"
                                     "2023-01-10.json")
    now = datetime(2023, 11, 21, 12, 40, tzinfo=UTC)
    series = yahoo.parse_chart(payload, now=now)
    assert chart_zone(payload) == NEW_YORK
    closes = chart_closes(series, payload, now, None)
    assert [day for day, _ in closes] == [date(2023, 1, d) for d in (3, 4, 5, 6, 9, 10)]
    assert closes[-1][1] == 3940.75
    # read on the 10th itself (New York time), the 10th is still moving: not a close yet
    same_day = datetime(2023, 1, 10, 20, 0, tzinfo=UTC)
    assert chart_closes(series, payload, same_day, None)[-1][0] == date(2023, 1, 9)


@pytest.mark.parametrize("name, zone", [
    ("yahoo/nyf2_chart-BTC-USD-2020-01-01-to-2020-01-03.body.json", "UTC"),
    ("yahoo/nyf2_chart-EURUSD=X-2020-01-01-to-2020-01-03.body.json", "Europe/London"),
])
def test_coin_and_fx_days_close_at_their_zones_midnight(fixtures_dir: Path, name: str,
                                                        zone: str) -> None:
    payload = recorded(fixtures_dir, name)
    assert chart_zone(payload) == ZoneInfo(zone)
    closes_of = payload["chart"]["result"][0]["indicators"]["quote"][0]["close"]
    on_the_3rd = datetime(2020, 1, 3, 12, 0, tzinfo=UTC)
    series = yahoo.parse_chart(payload, now=datetime(2025, 2, 21, tzinfo=UTC))
    closes = chart_closes(series, payload, on_the_3rd, None)
    assert closes == ((date(2020, 1, 1), closes_of[0]), (date(2020, 1, 2), closes_of[1]))


@pytest.mark.parametrize("name", ["yahoo/openbb_chart_BTC-USD_range-1d_2025-02-19.json",
                                  "yahoo/openbb_chart_EURUSD=X_range-1d_2023-11-21.json",
                                  "yahoo/openbb_chart_ES=F_range-1d_2023-11-21.json"])
def test_a_one_day_answer_recorded_during_its_day_stores_nothing(fixtures_dir: Path,
                                                                 name: str) -> None:
    payload = recorded(fixtures_dir, name)
    series = yahoo.parse_chart(payload, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert len(series.bars) == 1 and series.live == series.bars[0].session
    later = datetime(2026, 1, 1, tzinfo=UTC)  # even read much later: Yahoo said it was live
    assert chart_closes(series, payload, later, None) == ()


def test_yahoo_range_and_kline_length_cover_the_days() -> None:
    assert [yahoo_range(d) for d in (5, 31, 32, 365, 366, 400, 3000)] == [
        "1mo", "1mo", "3mo", "1y", "1y", "2y", "10y"]
    assert kline_sessions(365) == 271


# --- DefiLlama stablecoin chart (documented shape)

def _point(day: date, usd: float | None, key: str = "totalCirculatingUSD") -> dict[str, Any]:
    stamp = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    return {"date": str(stamp), key: {"peggedUSD": usd}, "totalUnreleased": {"peggedUSD": 0}}


def test_a_supply_chart_gives_each_complete_utc_day() -> None:
    payload = [_point(date(2026, 3, 18), 183.9e9), _point(date(2026, 3, 19), 184.0e9,
                                                          key="totalCirculating"),
               _point(date(2026, 3, 20), None), _point(date(2026, 3, 21), 184.2e9)]
    parsed = defillama.parse_supply_chart(payload, now=datetime(2026, 3, 21, 8, tzinfo=UTC))
    assert [(p.day, p.circulating_usd) for p in parsed.value] == [
        (date(2026, 3, 18), 183.9e9), (date(2026, 3, 19), 184.0e9)]  # the 21st is still moving
    assert [r.reason for r in parsed.rejected] == ["point 2: no date or no positive supply"]
    request = defillama.supply_chart_request("https://stablecoins.llama.fi",
                                             defillama.SUPPLY_IDS["USDT_SUPPLY"])
    assert request.url.endswith("/stablecoincharts/all") and request.params == {
        "stablecoin": "1"}


def test_a_supply_chart_of_the_wrong_shape_is_named() -> None:
    now = datetime(2026, 3, 21, tzinfo=UTC)
    with pytest.raises(UpstreamFormatError, match="unexpected shape"):
        defillama.parse_supply_chart({"message": "not found"}, now=now)
    with pytest.raises(UpstreamFormatError, match="after today"):
        defillama.parse_supply_chart([_point(date(2026, 3, 25), 1e9)], now=now)


# --- the backfill over recorded answers: a 404 and an empty quote name their gap

class Recorded:
    """A transport answering each URL with a recorded body (404 for the 404 recording)."""

    def __init__(self, bodies: Mapping[str, tuple[int, bytes]]) -> None:
        self.bodies = bodies
        self.urls: list[str] = []

    async def get(self, url: str, *, params: Mapping[str, str], headers: Mapping[str, str],
                  timeout_s: float, feed: str) -> Answer:
        self.urls.append(url)
        for suffix, (status, body) in self.bodies.items():
            if url.endswith(suffix):
                return Answer(status, {}, body)
        return Answer(404, {}, b"{}")


class Settings:
    yahoo_base_url = "https://yahoo.test"
    eastmoney_history_url = "https://eastmoney.test"
    defillama_stablecoins_url = "https://llama.test"
    provider_timeout_s = 5.0
    provider_attempts = 1
    retry_after_cap_s = 0.0


async def test_the_404_and_the_empty_quote_bodies_are_named_gaps(fixtures_dir: Path) -> None:
    def body(name: str) -> bytes:
        return (fixtures_dir / name).read_bytes()

    transport = Recorded({
        "/chart/%5EGSPC": (200, body(GSPC_LONG)),
        "/chart/%5EIXIC": (404, body("yahoo/openbb_chart_CLQ23.NYM_404_not-found-delisted_"
                                     "2023-08-01.json")),
        "/chart/%5EDJI": (200, body("yahoo/scheb_chart_CAPIO.ST_no-data-empty-quote.json")),
    })
    backfiller = Backfiller(HttpClients(browser=transport, plain=transport), Settings(),
                            calendars=None)
    result = await backfiller.run(datetime(2024, 3, 1, tzinfo=UTC), days=430,
                                  ids=("SPX", "IXIC", "DJI"))
    by_id = {o.id: o for o in result.outcomes}
    assert by_id["SPX"].sessions == 290 and by_id["SPX"].series is not None
    assert by_id["SPX"].series.source == "yahoo ^GSPC daily close"
    # the spark batch is asked first (the recording serves no spark), then each chart
    assert by_id["IXIC"].series is None
    assert by_id["IXIC"].problems == ("yahoo spark: HTTP 404", "yahoo chart: HTTP 404")
    assert by_id["DJI"].series is None
    assert by_id["DJI"].problems == ("yahoo spark: HTTP 404",
                                     "yahoo chart: no completed session since 2022-12-27")
    assert result.requests == 4 and len(result.failed) == 2  # one spark, three charts
