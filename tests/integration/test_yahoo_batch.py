"""Yahoo in spark batches over the loopback fake: one round trip for every Yahoo figure, and a
chart for each symbol the spark lacks, garbles or fails to serve."""

from __future__ import annotations

import json
from typing import Any

import pytest

from services.market_data.feeds import YAHOO_IDS
from services.market_data.providers import yahoo
from services.market_data.sources import YAHOO
from services.models.snapshot import MarketSnapshot
from tests.integration.conftest import Build
from tests.upstream.server import FakeRequest, FakeUpstream
from tests.upstream.world import World

SPARK = "/yahoo/v7/finance/spark"
US_BATCH = "yahoo:spark:^GSPC"  # the batch led by ^GSPC: SPX … XLY


def chart_paths(upstream: FakeUpstream) -> list[str]:
    return [r.path for r in upstream.requests if r.path.startswith("/yahoo/v8/finance/chart/")]


def spark_status(snapshot: MarketSnapshot) -> Any:
    return next(s for s in snapshot.sources if s.name == yahoo.SPARK_FEED)


def batch_of(quote_id: str) -> tuple[str, ...]:
    return next(ids for _, ids in yahoo.batches(YAHOO_IDS) if quote_id in ids)


def test_every_yahoo_figure_fits_in_one_round_trip() -> None:
    batches = yahoo.batches(YAHOO_IDS)
    assert len(batches) <= YAHOO.max_in_flight  # all in flight at once
    assert all(len(ids) <= yahoo.SPARK_MAX_SYMBOLS for _, ids in batches)
    assert sorted(i for _, ids in batches for i in ids) == sorted(YAHOO_IDS)
    assert {range_ for range_, ids in batches if "HSTECH" in ids} == {"5d"}
    assert {range_ for range_, ids in batches if "SPX" in ids} == {"1y"}


async def test_a_symbol_the_spark_leaves_out_comes_from_its_own_chart(
        build: Build, world: World, upstream: FakeUpstream) -> None:
    world.spark_gaps["^DJI"] = "omit"
    snapshot = await build()

    assert chart_paths(upstream) == ["/yahoo/v8/finance/chart/%5EDJI"]
    dji = snapshot.quote("DJI")
    (_, before), (day, last) = world.series["^DJI"][-2:]
    assert dji is not None and before is not None and last is not None
    assert (dji.close, dji.session, dji.source) == (last, day, "yahoo")
    assert dji.change_pct == pytest.approx((last / before - 1) * 100)
    chart = next(r for r in upstream.requests if r.path.endswith("%5EDJI"))
    assert (chart.query["range"], chart.query["interval"]) == ("1y", "1d")
    assert not [w for w in snapshot.warnings if "DJI" in w.figures]  # nothing is missing
    status = spark_status(snapshot)
    assert not status.ok and status.reason == (
        "DJI (^DJI): not in the answer; from its chart instead")
    assert status.fallback == "yahoo covers DJI"


async def test_a_symbol_the_spark_garbles_comes_from_its_own_chart(
        build: Build, world: World, upstream: FakeUpstream) -> None:
    world.spark_gaps["XLE"] = "nulls"
    snapshot = await build()

    assert chart_paths(upstream) == ["/yahoo/v8/finance/chart/XLE"]
    xle = snapshot.quote("XLE")
    assert xle is not None and xle.close == world.series["XLE"][-1][1]
    reason = spark_status(snapshot).reason
    assert reason is not None and reason.startswith("XLE (XLE): no completed daily close")


async def test_a_spark_batch_refused_with_429_gives_way_to_the_charts_of_its_symbols(
        build: Build, world: World, upstream: FakeUpstream) -> None:
    baseline = await build()
    world.faults[US_BATCH] = ["429"] * 3
    world.hits.clear()
    upstream.requests.clear()
    snapshot = await build()

    assert world.hits[US_BATCH] == 3  # the spark's attempts, then its symbols' charts
    charted = sorted(p.rsplit("/", 1)[1] for p in chart_paths(upstream))
    assert charted == sorted(yahoo.SYMBOLS[i].replace("^", "%5E") for i in batch_of("SPX"))
    assert snapshot.quotes == baseline.quotes
    assert snapshot.warnings == baseline.warnings
    status = spark_status(snapshot)
    assert not status.ok and status.reason is not None
    assert "HTTP 429 after 3 attempts; each from its own chart instead" in status.reason
    assert status.fallback == "yahoo covers SPX, IXIC, DJI, XLK, XLF and 5 more"


async def test_a_spark_answer_that_is_not_a_spark_answer_gives_way_too(
        build: Build, world: World, upstream: FakeUpstream) -> None:
    world.faults["yahoo:spark:^HSI"] = ["html"]
    snapshot = await build()
    charted = {r.path.rsplit("/", 1)[1]: r.query["range"] for r in upstream.requests
               if r.path.startswith("/yahoo/v8/")}
    assert charted == {"%5EHSI": "5d", "%5EHSCE": "5d", "HSTECH.HK": "5d"}  # HK's own range
    assert all(snapshot.quote(i) is not None for i in ("HSI", "HSCEI", "HSTECH"))
    assert "HTML instead of JSON" in (spark_status(snapshot).reason or "")


async def test_a_hanging_spark_gives_way_at_the_hedge_delay(
        build: Build, world: World, upstream: FakeUpstream) -> None:
    world.faults[US_BATCH] = ["timeout"]  # held 30 s
    snapshot = await build(hedge_delay_s=1.0, provider_timeout_s=10.0, build_deadline_s=25.0)
    assert all(snapshot.quote(i) is not None for i in batch_of("SPX"))
    assert len(chart_paths(upstream)) == len(batch_of("SPX"))
    status = spark_status(snapshot)
    assert not status.ok and status.reason is not None
    assert "no answer within the hedge delay of 1 s" in status.reason
    assert not [w for w in snapshot.warnings if w.source.startswith("yahoo")]


async def test_a_figure_is_missing_only_when_its_chart_fails_too(
        build: Build, world: World) -> None:
    world.spark_gaps["^IXIC"] = "nulls"
    world.faults["yahoo:^IXIC"] = ["nulls"]
    snapshot = await build()
    assert snapshot.quote("IXIC") is None
    warnings = [w for w in snapshot.warnings if "IXIC" in w.figures]
    assert [(w.source, w.figures) for w in warnings] == [("yahoo chart", ("IXIC",))]
    assert warnings[0].reason.startswith("IXIC (^IXIC): no completed daily close")


async def test_the_batches_run_within_the_per_host_limit(build: Build,
                                                         upstream: FakeUpstream) -> None:
    await build()
    sparks = [r for r in upstream.requests if r.path == SPARK]
    assert len(sparks) == len(yahoo.batches(YAHOO_IDS)) <= YAHOO.max_in_flight
    assert not chart_paths(upstream)


def test_the_fake_keeps_yahoos_spark_rules(world: World) -> None:
    def ask(symbols: str, range_: str) -> Any:
        reply = world.handler(FakeRequest("GET", SPARK, {"symbols": symbols, "range": range_,
                                                         "interval": "1d"}, {}, SPARK))
        return reply.status, json.loads(reply.body)

    status, body = ask(",".join(f"S{i}" for i in range(21)), "1y")
    assert status == 400 and body["spark"]["error"]["code"] == "Bad Request"
    status, body = ask("HSTECH.HK", "1y")  # served only over short ranges
    assert status == 404 and body["spark"]["result"] is None
    status, body = ask("HSTECH.HK,NOPE,^HSI", "1y")
    assert status == 200 and [r["symbol"] for r in body["spark"]["result"]] == ["^HSI"]
    status, body = ask("HSTECH.HK,^HSI", "5d")
    charts = yahoo.split_spark(body)
    assert set(charts) == {"HSTECH.HK", "^HSI"}
    assert len(charts["HSTECH.HK"]["chart"]["result"][0]["timestamp"]) == 5
    # The answer carries closes only, as the recorded spark answer does.
    assert set(charts["^HSI"]["chart"]["result"][0]["indicators"]["quote"][0]) == {"close"}
