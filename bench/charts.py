"""Median render time of the dashboard and of the full chart set for the sample day, and the
size of each PNG. Prints one JSON line.

``dashboard_history_median_ms`` is the dashboard of the sample day read against its bundled
history: with each market's 60-session line, as the bot draws it. Where the analysis does not
fill ``evidence`` itself yet, the tests' stand-in (``tests/support/evidence.py``) fills it.

Targets on the 2-core machine: dashboard ≤ 400 ms, full set ≤ 1.5 s (both in one process,
one chart after another). ``pool_full_set_median_ms`` is the same set through ``ChartPool``
(two worker processes, the bot's path), measured after the pool has warmed up.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.analysis import analyze  # noqa: E402
from services.history_io import load_sample_history  # noqa: E402
from services.models.analysis import Analysis  # noqa: E402
from services.models.snapshot import MarketSnapshot  # noqa: E402
from services.renderers.charts import ChartPool, render_all, render_chart  # noqa: E402
from services.snapshot_io import load_sample  # noqa: E402

RUNS = 15
POOL_RUNS = 9


def median_ms(fn: Callable[[], object], runs: int = RUNS) -> float:
    fn()  # warm: fonts resolved, caches filled
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 1)


async def pool_median_ms(analysis: Analysis) -> tuple[float, float]:
    pool = ChartPool()
    try:
        start = time.perf_counter()
        await pool.start()
        warm_up = (time.perf_counter() - start) * 1000
        await pool.render_all(analysis)
        samples = []
        for _ in range(POOL_RUNS):
            start = time.perf_counter()
            await pool.render_all(analysis)
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        await pool.close()
    return round(statistics.median(samples), 1), round(warm_up, 1)


def with_history(snapshot: MarketSnapshot) -> Analysis:
    history = load_sample_history()
    analysis = analyze(snapshot, snapshot.generated_at, ZoneInfo("Asia/Hong_Kong"), history)
    if not analysis.evidence:
        from tests.support.evidence import with_evidence

        analysis = with_evidence(analysis, history)
    return analysis


def main() -> None:
    snapshot = load_sample()
    analysis = analyze(snapshot, snapshot.generated_at, ZoneInfo("Asia/Hong_Kong"))
    dashboard = median_ms(lambda: render_chart("dashboard", analysis))
    historic = with_history(snapshot)
    dashboard_history = median_ms(lambda: render_chart("dashboard", historic))
    full_set = median_ms(lambda: render_all(analysis))
    pool, warm_up = asyncio.run(pool_median_ms(analysis))
    sizes = {name: len(png) for name, png in render_all(analysis).items()}
    print(json.dumps({
        "bench": "charts", "dashboard_median_ms": dashboard, "dashboard_target_ms": 400,
        "dashboard_history_median_ms": dashboard_history,
        "full_set_median_ms": full_set, "full_set_target_ms": 1500,
        "pool_full_set_median_ms": pool, "pool_warm_up_ms": warm_up,
        "png_bytes": sizes, "png_bytes_limit": 500_000, "runs": RUNS, "pool_runs": POOL_RUNS}))


if __name__ == "__main__":
    main()
