"""A real morning over the loopback fake: Yahoo throttling everything, a hanging primary, the
coins' fallback, the Hong Kong ranges. Both HTTP clients are the real ones (curl_cffi, httpx);
waits are real too where the point is time, with bounds far from what a loaded machine needs."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.market_data.build import MarketData
from services.market_data.calendars import Calendars
from services.market_data.instruments import (
    CN_INDICES,
    HK_INDICES,
    MACRO,
    SECTOR_ETFS,
    US_INDICES,
)
from services.market_data.providers import yahoo
from services.market_data.transport import open_clients
from services.models.report import resolve_section
from services.models.snapshot import MarketSnapshot
from services.renderers import markdown
from services.report.pipeline import report_from_snapshot
from services.snapshot_io import load_sample
from tests.integration.conftest import settings_for
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World

YAHOO_ONLY = [i.id for i in US_INDICES + SECTOR_ETFS + HK_INDICES + MACRO]
CN = [i.id for i in CN_INDICES]


class Timed:
    def __init__(self, snapshot: MarketSnapshot, started: float, ended: float) -> None:
        self.snapshot, self.started, self.took = snapshot, started, ended - started


async def real_build(upstream: FakeUpstream, world: World, calendars: Calendars,
                     **overrides: Any) -> Timed:
    """A build with real waits (backoff, jitter, hedge), and when it started (monotonic)."""
    settings = settings_for(upstream.url, **overrides)
    async with open_clients(settings.provider_timeout_s) as clients:
        data = MarketData(clients, settings, clock=lambda: world.now, calendars=calendars)
        started = time.monotonic()
        snapshot = await data.build()
        return Timed(snapshot, started, time.monotonic())


def yahoo_hits(world: World) -> int:
    return sum(n for route, n in world.hits.items() if route.startswith("yahoo:"))


async def test_yahoo_answering_429_to_everything_costs_a_few_requests_not_the_build(
        upstream: FakeUpstream, world: World, calendars: Calendars) -> None:
    world.storm("yahoo:", 10.0)
    deadline = 20.0
    run = await real_build(upstream, world, calendars, provider_timeout_s=10.0,
                           build_deadline_s=deadline)
    snapshot = run.snapshot

    assert run.took < deadline
    assert yahoo_hits(world) <= 12
    assert not {q.id for q in snapshot.quotes} & set(YAHOO_ONLY)
    # The spark batches were refused; their charts were never sent (the circuit had opened).
    named = {figure for w in snapshot.warnings if w.source == "yahoo chart"
             for figure in w.figures}
    assert named == set(YAHOO_ONLY)
    reasons = [w.reason for w in snapshot.warnings if w.source == "yahoo chart"]
    assert all("not asked: yahoo answered HTTP 429 to 3 requests in a row" in r
               for r in reasons)
    spark = next(s for s in snapshot.sources if s.name == "yahoo spark")
    assert not spark.ok and spark.reason is not None and "HTTP 429" in spark.reason
    assert spark.requests == yahoo_hits(world)
    assert spark.fallback is not None and spark.fallback.startswith("no fallback for ")
    assert spark.fallback.endswith(" and 18 more")  # 23 figures
    # The other upstreams are untouched: A-shares from Eastmoney, coins from CoinGecko.
    assert {q.source for q in snapshot.quotes} == {"eastmoney", "coingecko"}
    assert len(snapshot.quotes) == len(CN) + 2


async def test_a_hanging_eastmoney_gives_way_to_yahoo_after_the_hedge_delay(
        upstream: FakeUpstream, world: World, calendars: Calendars) -> None:
    world.faults["eastmoney"] = ["timeout"]  # answers after 30 s
    hedge, timeout = 0.3, 4.0
    run = await real_build(upstream, world, calendars, hedge_delay_s=hedge,
                           provider_timeout_s=timeout, provider_attempts=1,
                           build_deadline_s=20.0)
    snapshot = run.snapshot

    for quote_id in CN:
        quote = snapshot.quote(quote_id)
        assert quote is not None and quote.source == "yahoo", quote_id
    fallbacks = [r.received_at - run.started for r in upstream.requests
                 if r.path.endswith(("000001.SS", "399001.SZ", "399006.SZ"))]
    assert len(fallbacks) == 3  # one request each: answered in one round trip
    # Started by the hedge delay, not by the primary's failure (which came after 4 s).
    assert all(hedge <= lag < hedge + 2.0 < timeout for lag in fallbacks), fallbacks
    assert snapshot.a_share_breadth is None  # breadth has no fallback
    warning = next(w for w in snapshot.warnings if w.source == "eastmoney ulist")
    assert warning.reason.startswith("no answer within 4 s")
    status = next(s for s in snapshot.sources if s.name == "eastmoney ulist")
    assert status.fallback == "yahoo covers SSE, SZSE, CHINEXT; no fallback for a_share_breadth"


async def test_a_hanging_coingecko_is_overtaken_by_yahoo_with_a_true_24h_change(
        upstream: FakeUpstream, world: World, calendars: Calendars) -> None:
    world.faults["coingecko:price"] = ["timeout"]
    run = await real_build(upstream, world, calendars, hedge_delay_s=0.3,
                           provider_timeout_s=10.0, build_deadline_s=20.0)
    snapshot = run.snapshot

    assert run.took < 10.0  # the primary is stopped once Yahoo has served both coins
    for quote_id, symbol in (("BTC", "BTC-USD"), ("ETH", "ETH-USD")):
        quote = snapshot.quote(quote_id)
        assert quote is not None and quote.source == "yahoo"
        bars = world.hourly(symbol)
        day_ago = next(c for at, c in reversed(bars) if at <= world.now - timedelta(hours=24,
                                                                                    minutes=1))
        assert quote.close == bars[-1][1]
        assert quote.change_pct == pytest.approx((bars[-1][1] / day_ago - 1) * 100)
        assert quote.change_window is None  # the usual rolling 24 h
    requests = [r for r in upstream.requests if r.path.endswith("BTC-USD")]
    assert [(r.query["range"], r.query["interval"]) for r in requests] == [("5d", "1h")]
    status = next(s for s in snapshot.sources if s.name == "coingecko simple/price")
    assert not status.ok and status.reason is not None
    assert "no answer within the hedge delay of 0.3 s; BTC, ETH from the fallback" in (
        status.reason)
    assert status.fallback == "yahoo covers BTC, ETH"


async def test_from_daily_bars_only_the_coin_change_says_since_midnight(
        build: Any, world: World) -> None:
    world.faults["coingecko:price"] = ["500"] * 3
    world.coins_daily_only = True
    snapshot = await build()
    btc = snapshot.quote("BTC")
    assert btc is not None and btc.source == "yahoo"
    assert btc.change_window == yahoo.WINDOW_SINCE_MIDNIGHT == "since 00:00 UTC"
    (_, yesterday), (_, today) = world.series["BTC-USD"][-2:]
    assert yesterday is not None and today is not None
    assert btc.change_pct == pytest.approx((today / yesterday - 1) * 100)
    assert btc.session == world.now - timedelta(minutes=1)


async def test_hong_kong_charts_ask_for_five_days_and_hstech_is_served(
        build: Any, world: World, upstream: FakeUpstream) -> None:
    snapshot = await build()
    ranges = {symbol: r.query["range"] for r in upstream.requests
              if r.path.startswith("/yahoo/") for symbol in r.query["symbols"].split(",")}
    assert ranges.pop("^HSI") == ranges.pop("^HSCE") == ranges.pop("HSTECH.HK") == "5d"
    assert set(ranges.values()) == {"1y"}  # everything else: a year of bars
    hstech = snapshot.quote("HSTECH")
    assert hstech is not None and hstech.change_pct is not None


async def test_the_fake_refuses_hstech_over_a_month_as_yahoo_does(
        upstream: FakeUpstream, world: World, calendars: Calendars,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(yahoo.RANGES, "HSTECH", "1mo")
    snapshot = (await real_build(upstream, world, calendars)).snapshot
    assert snapshot.quote("HSTECH") is None
    warning = next(w for w in snapshot.warnings if w.figures == ("HSTECH",))
    assert warning.reason == "HSTECH (HSTECH.HK): HTTP 404"


async def test_cex_and_chain_rows_are_absent_from_defi_categories(build: Any) -> None:
    snapshot = await build()  # the fake's /protocols lists Binance CEX, OKX and a Chain row
    assert {c.category for c in snapshot.defi_categories} == {
        "Lending", "Liquid Staking", "RWA", "Bridge", "Dexes"}
    assert not {"Binance CEX", "OKX", "Hyperliquid L1"} & {p.name for p in snapshot.protocols}
    lending = next(c for c in snapshot.defi_categories if c.category == "Lending")
    assert (lending.protocols, lending.counted) == (2, 1)  # Curvance has no 1-day change
    assert lending.tvl_usd == pytest.approx(3.1e10 + 8.0e7)
    assert lending.change_pct_1d == pytest.approx(0.8)

    report = report_from_snapshot(snapshot, ZoneInfo("Asia/Hong_Kong"))
    categories = report.analysis.crypto.categories
    assert all(c.weighted for c in categories)
    assert not {"CEX", "Chain"} & {c.category for c in categories}
    text = markdown.render(report, (resolve_section("crypto"),))
    assert "CEX  " not in text and "Binance" not in text
    assert "TVL-weighted over every protocol DefiLlama lists" in text
    assert "$31.1B" in text  # the Lending category's TVL level
    protocols_table = text[text.index("Protocol "):]
    assert "$31.0B" in protocols_table.split("```")[0]  # movers show their TVL


def test_the_sample_day_leaves_its_cex_rows_out_and_drops_an_empty_tvl_column() -> None:
    report = report_from_snapshot(load_sample(), ZoneInfo("Asia/Hong_Kong"))
    assert "CEX" not in {c.category for c in report.analysis.crypto.categories}
    assert not any(p.group == "CEX" for p in report.analysis.crypto.protocols)
    text = markdown.render(report, (resolve_section("crypto"),))
    header = next(line for line in text.splitlines() if line.startswith("Protocol "))
    assert "TVL" not in header  # the sample lists no TVL levels: no column of n/a
