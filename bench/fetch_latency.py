"""Fetch latency: a snapshot build over a loopback fake of every upstream that answers each
request after the same latency L. Every request of a build is in flight at once, so a build
should take about one round trip: the target is build_time / L <= 1.3.

    python bench/fetch_latency.py [--latency 0.3] [--builds 5]

Prints one JSON line. ``build_time_over_latency`` is the median of warm builds (the trading
calendars already loaded, as in the running bot, which loads them at start-up);
``cold_build_time_over_latency`` is a first build that also loads the calendars in a thread.
The fake upstream runs in its own process, so that its work is not counted as the build's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
from services.market_data.transport import open_clients
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World, endpoints


def serve(latency: float, pipe: Connection) -> None:
    """The child process: the fake upstream until the parent says stop."""
    async def run() -> None:
        async with FakeUpstream(World().handler, latency_s=latency) as upstream:
            pipe.send(upstream.url)
            await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
    asyncio.run(run())


async def timed_build(data: MarketData) -> tuple[float, int, int]:
    started = time.perf_counter()
    snapshot = await data.build()
    elapsed = time.perf_counter() - started
    requests = sum(status.requests or 0 for status in snapshot.sources)
    return elapsed, requests, len(snapshot.quotes)


async def bench(url: str, latency: float, builds: int) -> dict[str, object]:
    world = World()
    values: dict[str, Any] = {**endpoints(url), "provider_timeout_s": max(10.0, latency * 5),
                              "build_deadline_s": max(25.0, latency * 10)}
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    async with open_clients(settings.provider_timeout_s) as clients:
        cold = MarketData(clients, settings, clock=lambda: world.now)
        cold_time, requests, quotes = await timed_build(cold)
        warm = MarketData(clients, settings, clock=lambda: world.now,
                          calendars=Calendars.load())
        runs = [await timed_build(warm) for _ in range(builds)]
    times = [elapsed for elapsed, _, _ in runs]
    median = statistics.median(times)
    return {
        "bench": "fetch_latency",
        "latency_s": latency,
        "builds": builds,
        "requests_per_build": requests,
        "quotes_per_build": quotes,
        "build_time_s_median": round(median, 4),
        "build_time_over_latency": round(median / latency, 3),
        "build_time_over_latency_max": round(max(times) / latency, 3),
        "cold_build_time_over_latency": round(cold_time / latency, 3),
        "target": 1.3,
        "ok": median / latency <= 1.3,
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
