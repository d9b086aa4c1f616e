"""Median time of analysis + every renderer for the sample day, and the CLI's cold start.

Prints one JSON line. Target: cold start of ``python -m bot report --sample`` ≤ 1.0 s.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.analysis import analyze  # noqa: E402
from services.narration.template import TemplateNarrator  # noqa: E402
from services.renderers import discord_embeds, json_out, markdown, telegram_html  # noqa: E402
from services.report.builder import build_report  # noqa: E402
from services.snapshot_io import load_sample  # noqa: E402

RUNS, COLD_RUNS = 50, 7


def build_and_render() -> None:
    snapshot = load_sample()
    analysis = analyze(snapshot, snapshot.generated_at, ZoneInfo("Asia/Hong_Kong"))
    report = build_report(analysis, TemplateNarrator().compose(analysis))
    markdown.render(report)
    telegram_html.render_full(report)
    telegram_html.caption(report)
    discord_embeds.render_messages(report)
    json_out.render(report)


def median_ms(fn, runs: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 2)


def cold_start_s() -> float:
    samples = []
    for _ in range(COLD_RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "report", "--sample"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return round(statistics.median(samples), 3)


if __name__ == "__main__":
    print(json.dumps({"bench": "report_build", "analysis_and_renderers_median_ms":
                      median_ms(build_and_render, RUNS), "cold_start_median_s": cold_start_s(),
                      "cold_start_target_s": 1.0, "runs": RUNS, "cold_runs": COLD_RUNS}))
