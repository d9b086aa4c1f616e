"""Fetch latency: a snapshot build over a loopback fake of every upstream that answers each
request after the same latency L, with the production settings (hedge delay included).

Each upstream has at most ``max_in_flight`` requests in flight (``sources.py``: 4), so an
upstream with n requests needs ceil(n / 4) round trips. Yahoo's 23 figures (US and Hong Kong
indices, sector ETFs, the macro layer) come in three spark batches, a year of daily bars each
(Hong Kong over five days): one round trip, where one chart per symbol needed six. That floor is
``round_trip_floor``; the target is build_time / (L * floor) <= 1.3, i.e. no waiting beyond what
the per-host limit demands, and no request added by the hedge. With a floor of one round trip,
that is the build within 1.3 round trips.

    python bench/fetch_latency.py [--latency 0.3] [--builds 5]

Prints one JSON line. ``build_time_over_latency`` is the median of warm builds (the trading
calendars already loaded, as in the running bot, which loads them at start-up) in plain round
trips; ``build_time_over_floor`` the same over the floor; ``cold_build_time_over_latency`` is a
first build that also loads the calendars in a thread. ``requests_by_upstream`` counts one
build's requests. ``history_read_s_median`` is the time to read the year of closes the answers
carried (``BuildResult.history``), which a build reads after its snapshot, not before; its
``history_closes`` are the closes it held. The fake upstream runs in its own process, so that
its work is not counted as the build's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import statistics
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import Settings
from services.market_data.build import MarketData
from services.market_data.calendars import Calendars
from services.market_data.providers import coingecko, defillama, eastmoney, yahoo
from services.market_data.sources import UPSTREAMS
from services.market_data.transport import open_clients
from services.models.snapshot import MarketSnapshot
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World, endpoints


def serve(latency: float, pipe: Connection) -> None:
    """The child process: the fake upstream until the parent says stop."""
    async def run() -> None:
        async with FakeUpstream(World().handler, latency_s=latency) as upstream:
            pipe.send(upstream.url)
            await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
    asyncio.run(run())


UPSTREAM_OF = {yahoo.FEED: yahoo.SOURCE, yahoo.SPARK_FEED: yahoo.SOURCE,
               eastmoney.FEED: eastmoney.SOURCE,
               coingecko.PRICE_FEED: coingecko.SOURCE, coingecko.GLOBAL_FEED: coingecko.SOURCE,
               defillama.STABLECOINS_FEED: defillama.SOURCE,
               defillama.PROTOCOLS_FEED: defillama.SOURCE, defillama.DEXES_FEED: defillama.SOURCE}


def round_trip_floor(snapshot: MarketSnapshot) -> int:
    """The round trips the per-upstream limits demand: the most of any upstream."""
    return max((math.ceil(n / UPSTREAMS[u].max_in_flight)
                for u, n in requests_by_upstream(snapshot).items()), default=1)


def requests_by_upstream(snapshot: MarketSnapshot) -> dict[str, int]:
    counted: dict[str, int] = {}
    for status in snapshot.sources:
        upstream = UPSTREAM_OF.get(status.name)
        if upstream is not None:
            counted[upstream] = counted.get(upstream, 0) + (status.requests or 0)
    return counted


async def timed_build(data: MarketData) -> tuple[float, MarketSnapshot]:
    started = time.perf_counter()
    snapshot = await data.build()
    return time.perf_counter() - started, snapshot


async def timed_history(data: MarketData) -> tuple[float, int]:
    """The time to read the closes of one build's answers (after its snapshot)."""
    result = await data.build_with_history()
    started = time.perf_counter()
    history = result.history
    return time.perf_counter() - started, sum(len(series) for series in history)


async def bench(url: str, latency: float, builds: int) -> dict[str, object]:
    world = World()
    values: dict[str, Any] = {**endpoints(url), "provider_timeout_s": max(10.0, latency * 5),
                              "build_deadline_s": max(25.0, latency * 10)}
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    async with open_clients(settings.provider_timeout_s) as clients:
        cold = MarketData(clients, settings, clock=lambda: world.now)
        cold_time, _ = await timed_build(cold)
        warm = MarketData(clients, settings, clock=lambda: world.now,
                          calendars=Calendars.load())
        runs = [await timed_build(warm) for _ in range(builds)]
        reads = [await timed_history(warm) for _ in range(builds)]
    times = [elapsed for elapsed, _ in runs]
    snapshot = runs[-1][1]
    floor = round_trip_floor(snapshot)
    by_upstream = requests_by_upstream(snapshot)
    median = statistics.median(times)
    return {
        "bench": "fetch_latency",
        "latency_s": latency,
        "builds": builds,
        "requests_per_build": sum(status.requests or 0 for status in snapshot.sources),
        "requests_by_upstream": by_upstream,
        "quotes_per_build": len(snapshot.quotes),
        "build_time_s_median": round(median, 4),
        "build_time_over_latency": round(median / latency, 3),
        "build_time_over_latency_max": round(max(times) / latency, 3),
        "round_trip_floor": floor,
        "build_time_over_floor": round(median / (latency * floor), 3),
        "cold_build_time_over_latency": round(cold_time / latency, 3),
        "history_read_s_median": round(statistics.median(t for t, _ in reads), 4),
        "history_closes": reads[-1][1],
        "hedge_delay_s": settings.hedge_delay_s,
        "target": 1.3,
        "ok": median / (latency * floor) <= 1.3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.3, help="seconds added per request")
    parser.add_argument("--builds", type=int, default=5, help="warm builds to measure")
    args = parser.parse_args()
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=serve,
                                                          args=(args.latency, child))
    server.start()
    try:
        url = parent.recv()
        result = asyncio.run(bench(url, args.latency, args.builds))
    finally:
        parent.send("stop")
        server.join(timeout=10)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
