"""Median time of analysis + every renderer for the sample day, of the analysis alone read
against the bundled year of history, and the CLI's cold start.

Prints one JSON line. Targets: analysis with history ≤ 50 ms (median); cold start of
``python -m bot report --sample`` (which reads its history) ≤ 1.0 s.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.analysis import analyze  # noqa: E402
from services.history_io import load_sample_history  # noqa: E402
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


HISTORY = load_sample_history()
SNAPSHOT = load_sample()


def analysis_with_history() -> None:
    analyze(SNAPSHOT, SNAPSHOT.generated_at, ZoneInfo("Asia/Hong_Kong"), HISTORY)


def median_ms(fn, runs: int, clock=time.perf_counter) -> float:
    """Median of ``runs`` calls after a warm one; ``clock=time.process_time`` gives the CPU
    time, which other processes on a shared machine do not inflate."""
    fn()  # warm
    samples = []
    for _ in range(runs):
        start = clock()
        fn()
        samples.append((clock() - start) * 1000)
    return round(statistics.median(samples), 2)


def cold_start_s() -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of the cold CLI."""
    samples, cpu = [], []
    for _ in range(COLD_RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "report", "--sample"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return round(statistics.median(samples), 3), round(statistics.median(cpu), 3)


if __name__ == "__main__":
    cold_wall, cold_cpu = cold_start_s()
    print(json.dumps({"bench": "report_build", "analysis_and_renderers_median_ms":
                      median_ms(build_and_render, RUNS),
                      "analysis_with_history_median_ms": median_ms(analysis_with_history, RUNS),
                      "analysis_with_history_cpu_median_ms":
                          median_ms(analysis_with_history, RUNS, time.process_time),
                      "analysis_with_history_target_ms": 50.0,
                      "cold_start_median_s": cold_wall, "cold_start_cpu_median_s": cold_cpu,
                      "cold_start_target_s": 1.0, "load_average_1m": os.getloadavg()[0],
                      "runs": RUNS, "cold_runs": COLD_RUNS}))
