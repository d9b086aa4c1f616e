"""Median time to read, analyse and render in every text format a snapshot whose protocol
name is 100,000 characters long (before names were clipped at the boundary this took over a
minute), next to the sample day and a snapshot listing 1,000 warnings and 200 sources.

Prints one JSON line. Target: each document under 1 s (the sample day takes a few dozen ms).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.renderers import discord_embeds, json_out, markdown, telegram_messages  # noqa: E402
from services.report.pipeline import report_from_snapshot  # noqa: E402
from services.snapshot_io import load_snapshot, sample_bytes  # noqa: E402

RUNS = 15
ZONE = ZoneInfo("Asia/Hong_Kong")


def documents() -> dict[str, str]:
    sample = json.loads(sample_bytes())
    long_name = json.loads(sample_bytes())
    long_name["protocols"][0]["name"] = "A" * 100_000
    listed = json.loads(sample_bytes())
    listed["warnings"] = [{"source": f"feed {i}", "reason": "r" * 1000} for i in range(1000)]
    listed["sources"] = [{"name": f"source {i}", "ok": i % 2 == 0, "reason": "timeout"}
                         for i in range(200)]
    return {"sample": json.dumps(sample), "name_100k": json.dumps(long_name),
            "warnings_1000": json.dumps(listed)}


def read_and_render(raw: str) -> None:
    report = report_from_snapshot(load_snapshot(raw), ZONE)
    markdown.render(report)
    telegram_messages.render_full(report)
    telegram_messages.caption(report)
    discord_embeds.render_messages(report)
    json_out.render(report)


def median_ms(raw: str) -> float:
    read_and_render(raw)  # warm
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        read_and_render(raw)
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 2)


if __name__ == "__main__":
    times = {f"{key}_median_ms": median_ms(raw) for key, raw in documents().items()}
    print(json.dumps({"bench": "hostile_input", **times, "target_each_ms": 1000,
                      "runs": RUNS}))
