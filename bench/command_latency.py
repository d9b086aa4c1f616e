"""Handler time for ``/report`` and ``/crypto`` answered from the cached edition.

The real python-telegram-bot Application (AIORateLimiter included) talks to the fake Bot API
over ``httpx.MockTransport``: no network delay, but PTB's encoding and the fake's parsing and
checks are inside the measurement. Requests are paced under 30/s so the rate limiter never
has to wait (that would measure the limiter, not the handler). The cache is warm: the edition
is built and the dashboard uploaded once before timing; ``/report`` then sends it by file_id.

    python bench/command_latency.py [--samples 200]

prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import Settings
from bot.container import build_container
from services.report.editions import FixedSource
from services.snapshot_io import load_sample
from tests.fakes import telegram_updates
from tests.fakes.charts import FakeCharts
from tests.fakes.telegram_api import TOKEN, FakeBotApi
from tests.fakes.telegram_app import feed, telegram_service

TARGET_P95_MS = 30.0
PACE_S = 1 / 25  # under AIORateLimiter's 30 requests per second


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(samples: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, telegram_bot_token=TOKEN,  # type: ignore[call-arg]
                            database_url=f"sqlite+aiosqlite:///{tmp}/bench.db")
        charts = FakeCharts(size=(1200, 900))
        container = await build_container(settings, FixedSource(load_sample()), charts,
                                          charts.names)
        fake = FakeBotApi()
        service = telegram_service(container, fake)
        app = service.app
        await app.initialize()
        try:
            for warm in ("/report", "/crypto"):
                await feed(app, telegram_updates.command(warm, 1))
            timings: dict[str, list[float]] = {"/report": [], "/crypto": []}
            for i in range(samples):
                for command, times in timings.items():
                    update = telegram_updates.command(command, 10_000 + i)
                    start = time.perf_counter()
                    await feed(app, update)
                    times.append((time.perf_counter() - start) * 1000)
                    await asyncio.sleep(PACE_S)
            assert not fake.failures, fake.failures[:3]
            assert fake.uploads == 1 and container.editions.builds == 1
        finally:
            await app.shutdown()
            await container.close()
    out: dict[str, object] = {"bench": "command_latency", "samples": samples}
    for command, times in timings.items():
        name = command.lstrip("/")
        out[f"{name}_p50_ms"] = round(statistics.median(times), 2)
        out[f"{name}_p95_ms"] = round(percentile(times, 0.95), 2)
    out["target_p95_ms"] = TARGET_P95_MS
    out["ok"] = all(float(out[f"{c.lstrip('/')}_p95_ms"]) <= TARGET_P95_MS  # type: ignore[arg-type]
                    for c in timings)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    print(json.dumps(asyncio.run(measure(args.samples))))


if __name__ == "__main__":
    main()
