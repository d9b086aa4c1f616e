"""One fault per provider and mode: the rest of the snapshot is intact, the warning names the
cause, failover serves the figures that have a fallback.

Yahoo's route here is the chart of ^GSPC, the path of a figure the spark batch left out (the
spark's own faults are in ``test_yahoo_batch.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from services.market_data.feeds import YAHOO_IDS
from services.market_data.providers.yahoo import SYMBOLS, batches
from services.models.snapshot import MarketSnapshot
from tests.integration.conftest import JITTER, Build, Waits
from tests.upstream.world import World

ATTEMPTS = 3
# Each attempt's limit in the timeout tests: long enough that a healthy loopback request on a
# loaded machine answers within it (a faulty one never answers: the fake holds it 30 s).
TIMEOUT_S = 1.0
CN = ("SSE", "SZSE", "CHINEXT")

# route → (feed named in the warning, figures it feeds, figures a fallback serves instead)
PROVIDERS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "yahoo:^GSPC": ("yahoo chart", ("SPX",), ()),
    "eastmoney": ("eastmoney ulist", (*CN, "a_share_breadth"), CN),
    "coingecko:price": ("coingecko simple/price", ("BTC", "ETH"), ("BTC", "ETH")),
    "coingecko:global": ("coingecko global", ("crypto_market",), ()),
    "defillama:stablecoins": ("defillama stablecoins", ("stablecoins",), ()),
    "defillama:protocols": ("defillama protocols", ("protocols",), ()),
    "defillama:dexs": ("defillama dexs", ("dexes",), ()),
}

# mode → (faults queued, requests expected, words the warning must contain)
MODES: dict[str, tuple[list[str], int, str]] = {
    "timeout": (["timeout"] * ATTEMPTS, ATTEMPTS, f"no answer within {TIMEOUT_S:g} s after "
                                                  f"{ATTEMPTS} attempts"),
    "500": (["500"] * ATTEMPTS, ATTEMPTS, f"HTTP 500 after {ATTEMPTS} attempts"),
    "html": (["html"], 1, "HTML instead of JSON"),
    "truncated": (["truncated"], 1, "truncated JSON"),
}

NULL_REASONS = {
    "yahoo:^GSPC": "no completed daily close",
    "eastmoney": "no value in the answer",
    "coingecko:price": "no price in the answer",
    "coingecko:global": "no figures in the answer",
    "defillama:stablecoins": "no supply in the answer",
    "defillama:protocols": "no protocol has a TVL",
    "defillama:dexs": "no DEX has a 24h volume",
}


def by_chart(world: World, route: str) -> None:
    """For a Yahoo chart route: the spark leaves its symbol out, so its chart is asked."""
    if route.startswith("yahoo:"):
        world.spark_gaps[route.removeprefix("yahoo:")] = "omit"


def figures(snapshot: MarketSnapshot) -> dict[str, Any]:
    found: dict[str, Any] = {q.id: q for q in snapshot.quotes}
    found.update(crypto_market=snapshot.crypto_market, stablecoins=snapshot.stablecoins,
                 protocols=snapshot.protocols, dexes=snapshot.dexes,
                 a_share_breadth=snapshot.a_share_breadth)
    return {key: value for key, value in found.items() if value}


def assert_rest_intact(baseline: MarketSnapshot, faulty: MarketSnapshot,
                       affected: tuple[str, ...]) -> None:
    before, after = figures(baseline), figures(faulty)
    for key, value in before.items():
        if key not in affected:
            assert after.get(key) == value, key


def served_by_fallback(snapshot: MarketSnapshot, ids: tuple[str, ...]) -> None:
    for quote_id in ids:
        quote = snapshot.quote(quote_id)
        assert quote is not None and quote.source == "yahoo" and quote.close is not None


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("route", list(PROVIDERS))
async def test_failure_leaves_a_named_gap(build: Build, world: World, route: str,
                                          mode: str) -> None:
    feed, fed, fallback = PROVIDERS[route]
    faults, requests, cause = MODES[mode]
    by_chart(world, route)
    baseline = await build()
    world.faults[route] = list(faults)
    world.hits.clear()

    # A hanging primary's fallback would start at the hedge delay and win, cancelling the
    # primary before its attempts run out: this test is about the named failure, so the hedge
    # waits longer than the three attempts (the hedge has its own tests in test_morning.py).
    snapshot = (await build(provider_timeout_s=TIMEOUT_S, hedge_delay_s=60.0)
                if mode == "timeout" else await build())

    if mode == "timeout":
        # The client's attempts are counted in the warning ("after 3 attempts", below); on a
        # loaded machine an attempt can time out before the fake has read it, so the fake's
        # own count is a lower bound here, never more.
        assert 1 <= world.hits[route] <= requests
    else:
        assert world.hits[route] == requests
    warning = next(w for w in snapshot.warnings if w.source == feed)
    assert cause in warning.reason
    assert set(warning.figures) == set(fed)
    status = next(s for s in snapshot.sources if s.name == feed)
    assert not status.ok and status.reason is not None and cause in status.reason
    missing = set(fed) - set(fallback)
    assert not missing & set(figures(snapshot))
    served_by_fallback(snapshot, fallback)
    assert_rest_intact(baseline, snapshot, fed)


@pytest.mark.parametrize("route", list(PROVIDERS))
async def test_429_then_success_is_retried(build: Build, world: World, waits: Waits,
                                           route: str) -> None:
    by_chart(world, route)
    baseline = await build()
    world.faults[route] = ["429"]
    world.hits.clear()

    snapshot = await build()

    assert world.hits[route] == 2
    # Retry-After: 0 allows an immediate retry; the backoff (0.25 s) plus its jitter is waited.
    assert waits.of(route) == [0.25 + 0.25 * JITTER]
    assert figures(snapshot) == figures(baseline)
    feed = PROVIDERS[route][0]
    assert next(s for s in snapshot.sources if s.name == feed).ok
    assert snapshot.warnings == baseline.warnings


@pytest.mark.parametrize("route", list(PROVIDERS))
async def test_nulls_become_missing_values(build: Build, world: World, route: str) -> None:
    feed, fed, fallback = PROVIDERS[route]
    by_chart(world, route)
    baseline = await build()
    world.faults[route] = ["nulls"]

    snapshot = await build()

    reasons = [w.reason for w in snapshot.warnings if w.source == feed]
    assert any(NULL_REASONS[route] in reason for reason in reasons), reasons
    missing = set(fed) - set(fallback)
    assert not missing & set(figures(snapshot))
    served_by_fallback(snapshot, fallback)
    assert_rest_intact(baseline, snapshot, fed)


async def test_retry_after_beyond_the_cap_is_not_waited_for(build: Build, world: World) -> None:
    world.faults["coingecko:global"] = ["429-long"]  # Retry-After: 120, the cap is 1 s
    snapshot = await build()
    assert world.hits["coingecko:global"] == 1
    warning = next(w for w in snapshot.warnings if w.source == "coingecko global")
    assert warning.reason == "HTTP 429"
    assert snapshot.crypto_market is None


async def test_a_4xx_is_never_retried(build: Build, world: World) -> None:
    world.faults["defillama:dexs"] = ["404", "404", "404"]
    snapshot = await build()
    assert world.hits["defillama:dexs"] == 1
    assert any(w.reason == "HTTP 404" for w in snapshot.warnings if w.source == "defillama dexs")


async def test_every_source_down_still_gives_a_snapshot(build: Build, world: World) -> None:
    for route in list(PROVIDERS) + [f"yahoo:{s}" for s in ("^IXIC", "^DJI")]:
        world.faults[route] = ["html"]
    world.faults.update({f"yahoo:{s}": ["html"] for s in (
        "XLK", "XLF", "XLE", "XLV", "XLU", "XLP", "XLY", "XLI", "XLB", "XLRE", "XLC", "^HSI",
        "^HSCE", "HSTECH.HK", "000001.SS", "399001.SZ", "399006.SZ", "BTC-USD", "ETH-USD",
        "DX-Y.NYB", "^TNX", "GC=F", "CL=F", "^VIX", "CNH=X")})
    world.faults.update({f"yahoo:spark:{SYMBOLS[ids[0]]}": ["html"]
                         for _, ids in batches(YAHOO_IDS)})
    snapshot = await build()
    assert figures(snapshot) == {}
    assert not any(status.ok for status in snapshot.sources)


async def test_retry_waits_back_off_between_attempts(build: Build, world: World,
                                                     waits: Waits) -> None:
    world.faults["defillama:stablecoins"] = ["500", "503"]
    snapshot = await build()
    assert waits.of("defillama:stablecoins") == [0.25, 0.5]
    assert world.hits["defillama:stablecoins"] == 3
    assert [s.symbol for s in snapshot.stablecoins] == ["USDT", "USDC", "DAI"]


async def test_the_build_deadline_cuts_off_a_slow_source(build: Build, world: World) -> None:
    world.faults["defillama:protocols"] = ["timeout"]
    # The deadline leaves every healthy loopback source time to answer on a loaded machine;
    # the slow one is held 30 s by the fake, beyond its 20 s attempt.
    snapshot = await build(provider_timeout_s=20.0, build_deadline_s=3.0)
    warning = next(w for w in snapshot.warnings if w.source == "defillama protocols")
    assert warning.reason == "no answer before the build deadline of 3 s"
    assert warning.figures == ("protocols",)
    assert snapshot.protocols == ()
    assert len(snapshot.quotes) == 28 and len(snapshot.stablecoins) == 3
