"""History figures: importing the sample's year, a report with history against one without, and a
backfill of every instrument over a loopback fake at latency L.

    python bench/history.py [--latency 0.3] [--runs 20]

Prints one JSON line:

- ``import``: the bundled sample history (23 series) parsed and validated (``load_ms``), and
  stored in a fresh SQLite history store (``store_ms``, one upsert of every close);
- ``report``: the median time of analysis + report for the sample day with its history and
  without (``with_history_ms``, ``without_history_ms``);
- ``backfill``: every series of ``backfill.PLANS`` over the fake (``tests/upstream/year.py``,
  more than a trading year of bars; it runs in its own process so its work is not counted)
  with every answer delayed by L: the wall time in round trips (``time_over_latency``), the
  requests by upstream, and the floor the per-upstream limits demand for those requests (each
  upstream has ``max_in_flight`` requests in flight: n requests need ceil(n / 4) round trips).
  Yahoo's 22 series come in three spark batches (one round trip; one chart a series took six);
  Eastmoney's six klines, two round trips, are now the floor. What the time holds beyond it is
  work, not waiting: the fake making two years of bars a symbol and the backfill reading them
  (about 0.2 s on a loaded two-core machine), a smaller share as L grows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import Settings
from services.history_io import load_history, sample_history_bytes
from services.market_data.backfill import Backfiller
from services.market_data.calendars import Calendars
from services.market_data.sources import UPSTREAMS
from services.market_data.transport import open_clients
from services.report.pipeline import report_from_snapshot
from services.snapshot_io import load_sample
from services.storage import open_database
from services.storage.closes import ClosesStore
from tests.upstream.server import FakeUpstream
from tests.upstream.world import NOW, endpoints
from tests.upstream.year import year_world

HK = ZoneInfo("Asia/Hong_Kong")



def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


async def import_figures() -> dict[str, Any]:
    raw = sample_history_bytes()
    started = time.perf_counter()
    history = load_history(raw)
    load_ms = (time.perf_counter() - started) * 1000
    with tempfile.TemporaryDirectory() as folder:
        db = await open_database(f"sqlite+aiosqlite:///{folder}/bench.db")
        try:
            store = ClosesStore(db)
            started = time.perf_counter()
            appended = await store.import_history(history, NOW.date(), NOW)
            store_ms = (time.perf_counter() - started) * 1000
        finally:
            await db.close()
    return {"series": len(history), "closes": appended.written, "bytes": len(raw),
            "load_ms": round(load_ms, 2), "store_ms": round(store_ms, 2)}


def report_figures(runs: int) -> dict[str, Any]:
    snapshot = load_sample()
    history = load_history(sample_history_bytes())
    with_history = median_ms(lambda: report_from_snapshot(snapshot, HK, history=history), runs)
    without = median_ms(lambda: report_from_snapshot(snapshot, HK), runs)
    return {"runs": runs, "with_history_ms": with_history, "without_history_ms": without,
            "with_over_without": round(with_history / without, 3) if without else None}


def serve(latency: float, pipe: Connection) -> None:
    """The child process: the fake upstreams with a year of bars, until the parent says
    stop."""
    world = year_world(NOW, Calendars.load())

    async def run() -> None:
        async with FakeUpstream(world.handler, latency_s=latency) as upstream:
            pipe.send(upstream.url)
            await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
    asyncio.run(run())


async def backfill_figures(url: str, latency: float) -> dict[str, Any]:
    values: dict[str, Any] = {**endpoints(url), "provider_timeout_s": max(10.0, latency * 5)}
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    calendars = Calendars.load()
    async with open_clients(settings.provider_timeout_s) as clients:
        backfiller = Backfiller(clients, settings, calendars=calendars)
        started = time.perf_counter()
        result = await backfiller.run(NOW)
        elapsed = time.perf_counter() - started
    per_upstream: dict[str, int] = {}
    for outcome in result.outcomes:
        source = outcome.series.source if outcome.series is not None else ""
        upstream = ("eastmoney" if source.startswith("eastmoney") else "defillama"
                    if source.startswith("defillama") else "yahoo")
        per_upstream[upstream] = per_upstream.get(upstream, 0) + 1
    requests = dict(result.requests_by_upstream)
    floor = max(math.ceil(n / UPSTREAMS[u].max_in_flight) for u, n in requests.items())
    return {"latency_s": latency, "series": len(result.outcomes),
            "series_stored": len(result.history), "failed": [o.id for o in result.failed],
            "closes": sum(o.sessions for o in result.outcomes),
            "min_sessions_equity_index": min(
                (o.sessions for o in result.outcomes
                 if o.id in ("SPX", "IXIC", "DJI", "HSI", "HSCEI", "HSTECH", "SSE", "SZSE",
                             "CHINEXT")), default=0),
            "requests": result.requests, "requests_by_upstream": requests,
            "series_by_upstream": per_upstream,
            "time_s": round(elapsed, 3), "time_over_latency": round(elapsed / latency, 3),
            "round_trip_floor": floor, "time_over_floor": round(elapsed / (latency * floor), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.3, help="seconds added per request")
    parser.add_argument("--runs", type=int, default=20, help="report builds to measure")
    args = parser.parse_args()
    figures: dict[str, Any] = {"bench": "history",
                               "import": asyncio.run(import_figures()),
                               "report": report_figures(args.runs)}
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=serve,
                                                          args=(args.latency, child))
    server.start()
    try:
        url = parent.recv()
        figures["backfill"] = asyncio.run(backfill_figures(url, args.latency))
    finally:
        parent.send("stop")
        server.join(timeout=10)
    figures["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
