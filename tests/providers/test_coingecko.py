"""CoinGecko simple/price and global."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.errors import UpstreamFormatError, UpstreamImplausible
from services.market_data.providers import coingecko
from tests.providers.conftest import own

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_recorded_global_market(fixtures_dir: Path) -> None:
    payload = json.loads((fixtures_dir / "coingecko" / "global_2023-04-14.json").read_text())
    parsed = coingecko.parse_global(payload, now=NOW)
    market = parsed.value
    assert market.total_market_cap_usd == pytest.approx(1337891359179.4678)
    assert market.total_volume_usd == pytest.approx(61861708910.46469)
    assert market.market_cap_change_pct == pytest.approx(3.2838275937729784)
    assert market.as_of == datetime.fromtimestamp(1681474959, UTC)
    assert market.source == "coingecko"
    assert parsed.rejected == ()


def test_global_bounds_and_future_time() -> None:
    payload = {"data": {"total_market_cap": {"usd": -5.0}, "total_volume": {"usd": 1e11},
                        "market_cap_change_percentage_24h_usd": 75.0, "updated_at": 1700000000}}
    parsed = coingecko.parse_global(payload, now=NOW)
    assert parsed.value.total_market_cap_usd is None
    assert parsed.value.market_cap_change_pct is None
    assert parsed.value.total_volume_usd == 1e11
    assert {r.figure for r in parsed.rejected} == {"total_market_cap_usd",
                                                   "market_cap_change_pct"}
    payload["data"]["updated_at"] = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp())
    with pytest.raises(UpstreamImplausible, match="in the future"):
        coingecko.parse_global(payload, now=NOW)


def test_global_wrong_shape() -> None:
    with pytest.raises(UpstreamFormatError, match="data is not an object"):
        coingecko.parse_global({"status": {"error_code": 429}}, now=NOW)


def test_simple_price() -> None:
    parsed = coingecko.parse_price(own("coingecko_simple_price_2025-11-24.json"), now=NOW)
    btc, eth = parsed.value["BTC"], parsed.value["ETH"]
    assert (btc.price_usd, btc.change_pct_24h) == (87123.0, 1.0412)
    assert btc.as_of == datetime.fromtimestamp(1763944160, UTC)
    assert (eth.price_usd, eth.change_pct_24h) == (2950.5, 0.4987)


def test_simple_price_missing_null_and_implausible_coins() -> None:
    payload = own("coingecko_simple_price_2025-11-24.json")
    payload["bitcoin"]["usd"] = None
    payload["ethereum"]["usd_24h_change"] = -80.0
    parsed = coingecko.parse_price(payload, now=NOW)
    assert parsed.value == {}
    assert [r.reason for r in parsed.rejected] == [
        "BTC: no price in the answer",
        "ETH: a -80.0% 24h move is outside the sane bound of ±50%"]
    assert [r.figure for r in coingecko.parse_price({"bitcoin": {"usd": 1.0}},
                                                    now=NOW).rejected] == ["ETH"]


def test_simple_price_error_answer() -> None:
    with pytest.raises(UpstreamFormatError, match="error answer"):
        coingecko.parse_price({"status": {"error_code": 429, "error_message": "limit"}}, now=NOW)


def test_the_key_goes_in_a_header_never_in_the_url() -> None:
    key = "CG-secret-demo-key"
    for request in (coingecko.price_request("https://api.coingecko.com/api/v3", key),
                    coingecko.global_request("https://api.coingecko.com/api/v3", key)):
        assert request.headers["x-cg-demo-api-key"] == key
        assert key not in request.url and key not in str(request.params)
    pro = coingecko.global_request("https://pro-api.coingecko.com/api/v3", key)
    assert pro.headers["x-cg-pro-api-key"] == key
    assert "x-cg-demo-api-key" not in coingecko.global_request("https://x", None).headers
