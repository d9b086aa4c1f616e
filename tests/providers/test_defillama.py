"""DefiLlama stablecoins, protocols and DEX volumes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.errors import UpstreamFormatError
from services.market_data.providers import defillama
from tests.providers.conftest import own


def test_recorded_protocols(fixtures_dir: Path) -> None:
    payload = json.loads((fixtures_dir / "defillama" /
                          "protocols_2022-01-29_openbb-filtered.json").read_text())
    parsed = defillama.parse_protocols(payload)
    tvl = parsed.value
    protocols = tvl.protocols
    # "Polygon Bridge & Staking" is category Chain: a chain, not DeFi.
    assert len(protocols) == 9 and tvl.left_out == 1
    assert "Polygon Bridge & Staking" not in {p.name for p in protocols}
    assert (protocols[0].name, protocols[0].category) == ("Curve", "Dexes")
    assert protocols[0].tvl_usd == pytest.approx(16890071630.01999)
    assert protocols[0].change_pct_1d == pytest.approx(1.8300037499020476)
    assert [p.tvl_usd for p in protocols] == sorted((p.tvl_usd or 0 for p in protocols),
                                                    reverse=True)
    assert {p.source for p in protocols} == {"defillama"}
    assert parsed.rejected == ()
    categories = {c.category: c for c in tvl.categories}
    assert "Chain" not in categories
    bridge = categories["Bridge"]  # WBTC and Multichain: bridges are DeFi, a row of their own
    now = 10265740434.800001 + 8025184721.968908
    before = 10265740434.800001 / 1.0330440951757258 + 8025184721.968908 / 1.012882430385040
    assert (bridge.protocols, bridge.counted) == (2, 2)
    assert bridge.tvl_usd == pytest.approx(now)
    assert bridge.change_pct_1d == pytest.approx((now / before - 1) * 100)
    assert [c.category for c in tvl.categories][:2] == ["Lending", "Bridge"]  # by TVL


def test_cex_and_chain_rows_are_not_defi() -> None:
    payload = [
        {"name": "Binance CEX", "category": "CEX", "tvl": 1.5e11, "change_1d": 0.4},
        {"name": "Bitcoin", "category": "Chain", "tvl": 9e9, "change_1d": 2.0},
        {"name": "Aave V3", "category": "Lending", "tvl": 3e10, "change_1d": 1.0},
        {"name": "Across", "category": "Bridge", "tvl": 1e9, "change_1d": -2.0},
    ]
    tvl = defillama.parse_protocols(payload).value
    assert [p.name for p in tvl.protocols] == ["Aave V3", "Across"]
    assert [c.category for c in tvl.categories] == ["Lending", "Bridge"]
    assert tvl.left_out == 2


def test_a_category_moves_by_its_whole_tvl_not_by_its_members_average() -> None:
    payload = [
        {"name": "Big", "category": "Lending", "tvl": 9.9e9, "change_1d": 1.0},
        {"name": "Small", "category": "Lending", "tvl": 1.0e8, "change_1d": 30.0},
        {"name": "Tiny", "category": "Lending", "tvl": 2.0e6, "change_1d": 5.0},  # < $10M
        {"name": "Newborn", "category": "Lending", "tvl": 2.0e7, "change_1d": 1e6},
        {"name": "Unknown", "category": "Lending", "tvl": 5.0e7, "change_1d": None},
    ]
    tvl = defillama.parse_protocols(payload).value
    lending = tvl.categories[0]
    now = 9.9e9 + 1.0e8 + 2.0e6
    before = 9.9e9 / 1.01 + 1.0e8 / 1.3 + 2.0e6 / 1.05
    assert lending.change_pct_1d == pytest.approx((now / before - 1) * 100)
    assert lending.change_pct_1d < 1.4  # the unweighted mean of 1, 30 and 5 would be 12 %
    assert (lending.protocols, lending.counted) == (5, 3)
    assert lending.tvl_usd == pytest.approx(now + 2.0e7 + 5.0e7)
    assert "Tiny" not in {p.name for p in tvl.protocols}  # counted, not listed


def test_small_protocols_and_changes_from_almost_nothing() -> None:
    payload = [
        {"name": "Big", "category": "Lending", "tvl": 5e9, "change_1d": 2.0},
        {"name": "Small", "category": "Dexes", "tvl": 9e6, "change_1d": 1.0},
        {"name": "Newborn", "category": "Bridge", "tvl": 2e7, "change_1d": 163000000.0},
        {"name": "Impossible", "category": "Yield", "tvl": 3e7, "change_1d": -100.0},
        {"name": "Nulls", "category": None, "tvl": 4e7, "change_1d": None},
        {"name": "Dash", "category": "RWA", "tvl": "-", "change_1d": 5.0},
        "not a protocol",
    ]
    parsed = defillama.parse_protocols(payload)
    assert [(p.name, p.change_pct_1d) for p in parsed.value.protocols] == [
        ("Big", 2.0), ("Nulls", None), ("Impossible", None), ("Newborn", None)]
    assert [r.reason for r in parsed.rejected] == [
        "1-day change rejected for 2 protocols whose TVL a day earlier was under $1M or "
        "impossible: Impossible, Newborn"]
    categories = {c.category: c for c in parsed.value.categories}
    assert categories["Bridge"].change_pct_1d is None and categories["Bridge"].counted == 0
    assert categories["Uncategorised"].tvl_usd == 4e7


def test_protocols_with_no_tvl_at_all_are_a_format_error() -> None:
    with pytest.raises(UpstreamFormatError, match="no protocol has a TVL"):
        defillama.parse_protocols([{"name": "A", "tvl": None}])
    with pytest.raises(UpstreamFormatError, match=r"\$ is not a list"):
        defillama.parse_protocols({"protocols": []})


def test_stablecoins() -> None:
    parsed = defillama.parse_stablecoins(own("defillama_stablecoins_includePrices.json"))
    coins = {c.symbol: c for c in parsed.value}
    assert list(coins) == ["USDT", "USDC", "DAI"]
    assert coins["USDT"].circulating_usd == 184130000000.5
    assert coins["USDT"].change_pct_1d == pytest.approx((184130000000.5 / 183272000000.1 - 1)
                                                        * 100)
    assert coins["USDC"].change_pct_1d == pytest.approx((79100000000.2 / 79410000000.9 - 1)
                                                        * 100)
    assert coins["DAI"].source == "defillama"
    assert parsed.rejected == ()


def test_stablecoin_gaps_and_bounds() -> None:
    payload = own("defillama_stablecoins_includePrices.json")
    assets = payload["peggedAssets"]
    assets[0]["circulating"]["peggedUSD"] = -1.0  # USDT
    assets[1]["circulatingPrevDay"] = {}  # USDC: no previous day
    assets[2]["circulatingPrevDay"]["peggedUSD"] = 1e9  # DAI: +357 % in a day
    parsed = defillama.parse_stablecoins(payload)
    coins = {c.symbol: c for c in parsed.value}
    assert list(coins) == ["USDC", "DAI"]
    assert coins["USDC"].change_pct_1d is None
    assert coins["DAI"].change_pct_1d is None and coins["DAI"].circulating_usd == 4.57e9
    assert [r.figure for r in parsed.rejected] == ["USDT", "DAI"]


def test_stablecoins_wrong_shape() -> None:
    with pytest.raises(UpstreamFormatError, match="peggedAssets is not a list"):
        defillama.parse_stablecoins({"peggedAssets": None})


def test_dexes_keep_only_dex_categories() -> None:
    parsed = defillama.parse_dexes(own("defillama_overview_dexs_dailyVolume.json"))
    dexes = parsed.value
    assert [(d.name, d.volume_usd_1d) for d in dexes] == [
        ("Uniswap V4", 9e8), ("Raydium AMM", 4.37e8), ("Figure Markets", 3.448e8),
        ("Newborn Swap", 3e7)]
    changes = {d.name: d.change_pct_1d for d in dexes}
    assert changes["Uniswap V4"] == -18.1 and changes["Raydium AMM"] == 70.3
    assert changes["Figure Markets"] == pytest.approx((344800000 / 49890000 - 1) * 100)
    assert changes["Newborn Swap"] is None
    assert [r.figure for r in parsed.rejected] == ["dexes"]
    assert "Newborn Swap" in parsed.rejected[0].reason


def test_dexes_wrong_shape() -> None:
    with pytest.raises(UpstreamFormatError, match="protocols is not a list"):
        defillama.parse_dexes({"total24h": 1})
    with pytest.raises(UpstreamFormatError, match="no DEX has a 24h volume"):
        defillama.parse_dexes({"protocols": [{"category": "Lending", "total24h": 5}]})


def test_requests() -> None:
    assert defillama.stablecoins_request("https://stablecoins.llama.fi").url == (
        "https://stablecoins.llama.fi/stablecoins")
    dexes = defillama.dexes_request("https://api.llama.fi/")
    assert dexes.url == "https://api.llama.fi/overview/dexs"
    assert dexes.params == {"excludeTotalDataChart": "true",
                            "excludeTotalDataChartBreakdown": "true", "dataType": "dailyVolume"}
