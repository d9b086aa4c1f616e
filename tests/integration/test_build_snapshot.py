"""A whole build over the loopback fake: the snapshot carries exactly the figures served."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.market_data.instruments import ALL, SNAPSHOT
from services.market_data.providers.yahoo import SYMBOLS
from services.snapshot_io import dump_snapshot, load_snapshot
from tests.integration.conftest import Build
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World

YAHOO_IDS = [i.id for i in ALL if i.market in ("US", "HK")]


def pct(now: float, before: float) -> float:
    return (now / before - 1) * 100


async def test_every_figure_served_arrives(build: Build, world: World) -> None:
    snapshot = await build()

    assert [q.id for q in snapshot.quotes] == [i.id for i in SNAPSHOT]
    for quote_id in YAHOO_IDS:
        quote = snapshot.quote(quote_id)
        (_, c0), (day1, c1) = world.series[SYMBOLS[quote_id]][-2:]
        assert quote is not None and c0 is not None and c1 is not None
        assert (quote.close, quote.session, quote.source, quote.stale) == (c1, day1, "yahoo", False)
        assert quote.change_pct == pytest.approx(pct(c1, c0))
    for quote_id, secid in (("SSE", "1.000001"), ("SZSE", "0.399001"), ("CHINEXT", "0.399006")):
        quote, row = snapshot.quote(quote_id), world.cn_rows[secid]
        assert quote is not None
        assert (quote.close, quote.change_pct, quote.session, quote.source) == (
            row["f2"], row["f3"], date(2026, 11, 23), "eastmoney")
    btc, eth = snapshot.quote("BTC"), snapshot.quote("ETH")
    assert btc is not None and eth is not None
    assert (btc.close, btc.change_pct, btc.kind, btc.source) == (87123.0, 1.04, "coin", "coingecko")
    assert btc.session == datetime.fromtimestamp(world.coins["bitcoin"]["last_updated_at"], UTC)
    assert (eth.close, eth.change_pct) == (2950.5, 0.5)

    breadth = snapshot.a_share_breadth
    assert breadth is not None
    assert (breadth.advancers, breadth.decliners, breadth.flat) == (313 + 1200, 2011 + 1650, 106)
    assert breadth.turnover_cny == pytest.approx(7.5e11 + 1.0e12)
    assert breadth.session == date(2026, 11, 23)

    market = snapshot.crypto_market
    assert market is not None
    assert (market.total_market_cap_usd, market.total_volume_usd,
            market.market_cap_change_pct) == (3.05e12, 1.2e11, 0.31)

    coins = {s.symbol: s for s in snapshot.stablecoins}
    assert list(coins) == ["USDT", "USDC", "DAI"]
    assert coins["USDT"].circulating_usd == 184.13e9
    assert coins["USDT"].change_pct_1d == pytest.approx(pct(184.13e9, 183.27e9))
    assert coins["USDC"].circulating_usd == 79.10e9  # the larger of the two USDC rows
    assert coins["DAI"].change_pct_1d == pytest.approx(pct(4.57e9, 4.555e9))

    protocols = {p.name: p for p in snapshot.protocols}
    assert list(protocols) == ["Aave V3", "Lido", "Ondo Finance", "Curvance", "Ink Bridge"]
    assert (protocols["Ondo Finance"].category, protocols["Ondo Finance"].tvl_usd,
            protocols["Ondo Finance"].change_pct_1d) == ("RWA", 1.4e9, 20.6)
    assert protocols["Ink Bridge"].change_pct_1d is None  # from almost nothing: rejected
    assert protocols["Curvance"].change_pct_1d is None  # null upstream

    dexes = {d.name: d for d in snapshot.dexes}
    assert list(dexes) == ["Uniswap V4", "Raydium"]  # Polymarket is not a DEX
    assert dexes["Raydium"].change_pct_1d == 70.3
    assert dexes["Uniswap V4"].change_pct_1d == pytest.approx(pct(9.0e8, 1.099e9))

    assert snapshot.northbound_net_cny is None
    reasons = {(w.source, w.reason) for w in snapshot.warnings}
    assert ("northbound", "not published since 2024-08-19") in reasons
    assert [w.figures for w in snapshot.warnings if w.source != "northbound"] == [("protocols",)]
    assert all(status.ok for status in snapshot.sources)
    assert {s.name for s in snapshot.sources} == {
        "yahoo spark", "eastmoney ulist", "coingecko simple/price", "coingecko global",
        "defillama stablecoins", "defillama protocols", "defillama dexs"}
    assert snapshot.generated_at == world.now


async def test_one_request_per_feed_all_in_one_build(build: Build, upstream: FakeUpstream) -> None:
    await build()
    yahoo = [r for r in upstream.requests if r.path.startswith("/yahoo/")]
    others = sorted(r.path for r in upstream.requests if not r.path.startswith("/yahoo/"))
    assert len(others) == 6 and len(set(others)) == 6
    # Every Yahoo figure in three spark batches (a year of bars; Hong Kong apart, over five
    # days), within the four requests Yahoo may have in flight: one round trip.
    assert {r.path for r in yahoo} == {"/yahoo/v7/finance/spark"}
    batches = sorted((r.query["range"], r.query["symbols"]) for r in yahoo)
    assert batches == sorted([
        ("1y", "^GSPC,^IXIC,^DJI,XLK,XLF,XLE,XLV,XLU,XLP,XLY"),
        ("1y", "XLI,XLB,XLRE,XLC,DX-Y.NYB,^TNX,GC=F,CL=F,^VIX,CNH=X"),
        ("5d", "^HSI,^HSCE,HSTECH.HK"),
    ])
    symbols = [s for _, batch in batches for s in batch.split(",")]
    assert sorted(symbols) == sorted(SYMBOLS[i.id] for i in SNAPSHOT
                                     if i.market in ("US", "HK", "MACRO"))


async def test_snapshot_round_trips_through_the_input_format(build: Build) -> None:
    snapshot = await build()
    assert load_snapshot(dump_snapshot(snapshot)) == snapshot


async def test_requests_carry_the_headers_each_service_needs(
        build: Build, upstream: FakeUpstream) -> None:
    await build()
    eastmoney = next(r for r in upstream.requests if r.path.startswith("/eastmoney"))
    assert eastmoney.headers["referer"] == "https://quote.eastmoney.com/"
    assert "Mozilla/5.0" in eastmoney.headers["user-agent"]
    assert eastmoney.query["fltt"] == "2"
    assert eastmoney.query["secids"] == "1.000001,0.399001,0.399006"
    for field in ("f2", "f3", "f4", "f6", "f12", "f14", "f104", "f105", "f106", "f124"):
        assert field in eastmoney.query["fields"].split(",")
    spx = next(r for r in upstream.requests if "GSPC" in r.query.get("symbols", ""))
    assert spx.target.startswith("/yahoo/v7/finance/spark?symbols=%5EGSPC%2C%5EIXIC%2C")
    assert (spx.query["range"], spx.query["interval"]) == ("1y", "1d")
