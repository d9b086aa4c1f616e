"""The latency ``/ask`` adds without the model (keyword routing, no Claude configured).

Two figures, both on the sample day with the edition cached:

- the service alone: ``AskService.prepare`` + ``answer`` for varied questions (parse, rate
  limit, routing, the answer value), no rendering or sending;
- the whole Telegram handler through python-telegram-bot and the fake Bot API (over
  ``httpx.MockTransport``): ``/ask QUESTION`` against ``/crypto``, which sends the same
  section. ``/ask`` also sends a lead message (the question, the notice, the closing line),
  so the difference includes one more ``sendMessage``.

Requests are paced under Telegram's rate so AIORateLimiter never waits; each question comes
from a different user so the per-user limit never refuses.

    python bench/ask.py [--samples 200]

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
from tests.fakes.telegram_api import TOKEN, FakeBotApi
from tests.fakes.telegram_app import feed, telegram_service

TARGET_ADDED_P95_MS = 30.0
PACE_S = 1 / 12  # /ask sends two messages: stay under AIORateLimiter's 30 per second
QUESTIONS = (
    "How much did stablecoin supply change?",
    "Why did Hong Kong fall while the US rose?",
    "how big is today's USDC outflow?",
    "What did ChiNext breadth look like?",
    "Which risk should I watch first?",
    "What is the news on Nvidia?",
    "稳定币供应变化了多少？",
    "港股为什么下跌？",
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(times: list[float]) -> tuple[float, float]:
    return round(statistics.median(times), 3), round(percentile(times, 0.95), 3)


async def measure(samples: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, telegram_bot_token=TOKEN,  # type: ignore[call-arg]
                            database_url=f"sqlite+aiosqlite:///{tmp}/bench.db",
                            narrator="template")
        container = await build_container(settings, FixedSource(load_sample()))
        assert container.ask is not None and container.ask.model is None
        fake = FakeBotApi()
        service = telegram_service(container, fake)
        app = service.app
        await app.initialize()
        try:
            edition = await container.editions.current()
            service_ms: list[float] = []
            for i in range(samples * 5):
                start = time.perf_counter()
                question = container.ask.prepare(QUESTIONS[i % len(QUESTIONS)], f"bench:{i}")
                await container.ask.answer(edition, question)
                service_ms.append((time.perf_counter() - start) * 1000)

            for warm in ("/crypto", f"/ask {QUESTIONS[0]}"):
                await feed(app, telegram_updates.command(warm, 1))
            handler: dict[str, list[float]] = {"ask": [], "crypto": []}
            for i in range(samples):
                for name in handler:
                    text = f"/ask {QUESTIONS[i % len(QUESTIONS)]}" if name == "ask" \
                        else "/crypto"
                    update = telegram_updates.command(text, 10_000 + i)
                    start = time.perf_counter()
                    await feed(app, update)
                    handler[name].append((time.perf_counter() - start) * 1000)
                    await asyncio.sleep(PACE_S)
            assert not fake.failures, fake.failures[:3]
        finally:
            await app.shutdown()
            await container.close()
    s50, s95 = summary(service_ms)
    a50, a95 = summary(handler["ask"])
    c50, c95 = summary(handler["crypto"])
    added = round(a95 - c95, 3)
    return {"bench": "ask", "samples": samples, "service_samples": len(service_ms),
            "service_p50_ms": s50, "service_p95_ms": s95,
            "ask_handler_p50_ms": a50, "ask_handler_p95_ms": a95,
            "crypto_handler_p50_ms": c50, "crypto_handler_p95_ms": c95,
            "added_p95_ms": added, "target_added_p95_ms": TARGET_ADDED_P95_MS,
            "ok": added <= TARGET_ADDED_P95_MS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    print(json.dumps(asyncio.run(measure(args.samples))))


if __name__ == "__main__":
    main()
